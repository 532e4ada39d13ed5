namespace DataHub.Api.Seeding;

/// <summary>
/// Deterministic randomness keyed by (seed, entity, stream): any row can be regenerated on its
/// own, so each table is produced in its own streaming pass without keeping earlier rows.
/// SplitMix64, which is small, fast and well mixed for this purpose (not for security).
/// </summary>
public struct SampleRandom
{
    private ulong state;

    public SampleRandom(long seed, long key, int stream)
    {
        state = Mix((ulong)seed * 0x9E3779B97F4A7C15UL ^ Mix((ulong)key + 0x632BE59BD9B4E019UL * (ulong)(stream + 1)));
    }

    public ulong NextULong()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(NextDouble() * n);

    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Picks by weight: items are (value, weight) pairs.</summary>
    public T Weighted<T>(IReadOnlyList<(T Value, double Weight)> items)
    {
        var total = 0.0;
        foreach (var item in items)
        {
            total += item.Weight;
        }
        var x = NextDouble() * total;
        foreach (var item in items)
        {
            x -= item.Weight;
            if (x < 0)
            {
                return item.Value;
            }
        }
        return items[^1].Value;
    }

    /// <summary>A value in [-1, 1) fixed by the key alone: shared vertices agree between neighbours.</summary>
    public static double Unit(long seed, long a, long b, int stream) =>
        new SampleRandom(seed, a * 2_000_003L + b, stream).NextDouble() * 2 - 1;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
