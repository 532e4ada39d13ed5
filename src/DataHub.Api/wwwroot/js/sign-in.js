// Signs a person in for the HTML pages: the hub answers with an HttpOnly, SameSite=Strict cookie
// holding the token (the API itself takes the same token as a bearer header).
(() => {
  const params = new URLSearchParams(location.search);
  const target = params.get('returnTo');
  // Only a path of this hub: never an address elsewhere (//host or a scheme).
  // API addresses are relative to this page, so they hold behind a proxy's path prefix too.
  const returnTo = target && target.startsWith('/') && !target.startsWith('//') ? target : 'api/v1/collections?f=html';
  const problem = document.getElementById('problem');
  const signIn = document.getElementById('sign-in');
  const change = document.getElementById('change');

  const show = async response => {
    const body = await response.json().catch(() => ({}));
    const details = body.errors ? Object.values(body.errors).flat() : [body.detail || response.statusText];
    problem.replaceChildren(...details.map(text => Object.assign(document.createElement('p'), { textContent: text })));
    problem.hidden = false;
  };
  const post = (url, form) => fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(new FormData(form))),
    credentials: 'same-origin',
  });

  signIn.addEventListener('submit', async event => {
    event.preventDefault();
    problem.hidden = true;
    const response = await post('api/v1/auth/sign-in?cookie=true', signIn);
    if (!response.ok) return show(response);
    const result = await response.json();
    if (!result.passwordChangeRequired) return location.assign(returnTo);
    document.getElementById('change-why').textContent = result.reason === 'expired'
      ? 'Mật khẩu đã quá 3 tháng · The password is older than three months.'
      : 'Mật khẩu ban đầu phải được đổi · The initial password must be changed.';
    change.elements.currentPassword.value = signIn.elements.password.value;
    signIn.hidden = true;
    change.hidden = false;
  });

  change.addEventListener('submit', async event => {
    event.preventDefault();
    problem.hidden = true;
    const response = await post('api/v1/auth/password?cookie=true', change);
    if (!response.ok) return show(response);
    location.assign(returnTo);
  });
})();
