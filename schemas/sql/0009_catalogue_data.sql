-- The datasets published by default (and their fields). Publisher names are the 2025 ones.
-- schema_uri (the exchange structure) is set when the JSON Schemas are published (submissions).
insert into catalog.datasets (id, title_vi, title_en, description_vi, description_en, publisher, sharing_mode, update_frequency,
  source_relation, source_tables, key_column, key_type, geometry_column, geometry_type, storage_srid, temporal_column, schema_uri, terms_of_use, keywords, position)
values
  ('parcels', 'Thửa đất', 'Cadastral parcels',
   'Thửa đất của cơ sở dữ liệu địa chính: số tờ, số thửa, diện tích, mục đích sử dụng, ranh giới. Không bao gồm thông tin người sử dụng đất.',
   'Parcels of the cadastral database: map sheet, parcel number, area, land-use purposes, boundary. Land users are not included.',
   'Sở Nông nghiệp và Môi trường', 'default', 'daily', 'sharing.parcels', array['land.parcels', 'land.land_uses']::regclass[],
   'id', 'integer', 'geom', 'MultiPolygon', 9212, 'registered_on', null, 
   'Chia sẻ mặc định cho cơ quan nhà nước theo quy chế khai thác; ghi rõ nguồn "Sở Nông nghiệp và Môi trường".',
   array['địa chính', 'thửa đất', 'cadastre', 'parcel'], 1),
  ('planning-zones', 'Vùng quy hoạch sử dụng đất', 'Land-use planning zones',
   'Khoanh vùng quy hoạch, kế hoạch sử dụng đất theo mục đích, kỳ quy hoạch.',
   'Zones of the land-use plans by planned purpose and plan period.',
   'Sở Nông nghiệp và Môi trường', 'default', 'monthly', 'sharing.planning_zones', array['land.planning_zones']::regclass[],
   'id', 'integer', 'geom', 'MultiPolygon', 9212, null, null,
   'Chia sẻ mặc định cho cơ quan nhà nước theo quy chế khai thác.', array['quy hoạch', 'planning'], 2),
  ('price-zones', 'Bảng giá đất', 'Land prices by road segment',
   'Giá đất theo đoạn đường và vị trí, theo bảng giá đất của tỉnh.',
   'Land prices per road segment and position, from the provincial land price tables.',
   'Sở Nông nghiệp và Môi trường', 'default', 'annual', 'sharing.price_zones', array['land.price_zones']::regclass[],
   'id', 'integer', 'geom', 'LineString', 9212, 'effective_from', null,
   'Chia sẻ mặc định cho cơ quan nhà nước theo quy chế khai thác.', array['giá đất', 'land price'], 3),
  ('admin-units', 'Đơn vị hành chính', 'Administrative units',
   'Đơn vị hành chính cấp tỉnh, huyện (đến 30/6/2025) và xã, với thời gian hiệu lực và ranh giới.',
   'Provinces, districts (until 30 June 2025) and communes with their validity periods and boundaries.',
   'Sở Nông nghiệp và Môi trường', 'default', 'irregular', 'sharing.admin_units', array['ref.admin_units']::regclass[],
   'id', 'integer', 'geom', 'MultiPolygon', 9212, 'valid_from', null,
   'Chia sẻ mặc định cho cơ quan nhà nước theo quy chế khai thác.', array['đơn vị hành chính', 'administrative units'], 4),
  ('land-statistics', 'Thống kê, kiểm kê đất đai', 'Land statistics and inventory',
   'Diện tích theo đơn vị hành chính, loại đất, đối tượng sử dụng và năm (số liệu đã báo cáo).',
   'Area by administrative unit, land-use purpose, user type and year (as reported).',
   'Sở Nông nghiệp và Môi trường', 'default', 'annual', 'sharing.land_statistics', array['land.statistics']::regclass[],
   'id', 'string', null, null, null, null, null,
   'Chia sẻ mặc định cho cơ quan nhà nước theo quy chế khai thác.', array['thống kê', 'kiểm kê', 'statistics'], 5);

insert into catalog.dataset_fields (dataset_id, name, column_name, type, sensitivity, title_vi, title_en, queryable, sortable, code_list, position) values
  ('parcels', 'commune_code', 'commune_code', 'string', 'public', 'Mã xã đăng ký', 'Commune code (as registered)', true, true, null, 1),
  ('parcels', 'map_sheet', 'map_sheet', 'integer', 'public', 'Số tờ bản đồ', 'Map sheet number', true, true, null, 2),
  ('parcels', 'parcel_no', 'parcel_no', 'integer', 'public', 'Số thửa', 'Parcel number', true, true, null, 3),
  ('parcels', 'area_m2', 'area_m2', 'number', 'public', 'Diện tích (m²)', 'Area (m²)', true, true, null, 4),
  ('parcels', 'legal_area_m2', 'legal_area_m2', 'number', 'public', 'Diện tích pháp lý (m²)', 'Legal area (m²)', true, true, null, 5),
  ('parcels', 'address', 'address', 'string', 'public', 'Địa chỉ thửa đất', 'Parcel address', true, false, null, 6),
  ('parcels', 'old_commune_code', 'old_commune_code', 'string', 'public', 'Mã xã cũ', 'Old commune code', true, true, null, 7),
  ('parcels', 'old_map_sheet', 'old_map_sheet', 'integer', 'public', 'Số tờ cũ', 'Old map sheet', true, true, null, 8),
  ('parcels', 'old_parcel_no', 'old_parcel_no', 'integer', 'public', 'Số thửa cũ', 'Old parcel number', true, true, null, 9),
  ('parcels', 'registered_on', 'registered_on', 'date', 'public', 'Ngày đăng ký', 'Registration date', true, true, null, 10),
  ('parcels', 'main_purpose_code', 'main_purpose_code', 'string', 'public', 'Mục đích sử dụng chính', 'Main land-use purpose', true, true, 'land_use_purpose', 11),
  ('parcels', 'purpose_codes', 'purpose_codes', 'string-array', 'public', 'Các mục đích sử dụng', 'All land-use purposes', false, false, 'land_use_purpose', 12),
  ('parcels', 'updated_at', 'updated_at', 'timestamp', 'public', 'Cập nhật lúc', 'Updated at', true, true, null, 13),
  ('parcels', 'geometry', 'geom', 'geometry', 'public', 'Ranh giới thửa', 'Parcel boundary', true, false, null, 14),

  ('planning-zones', 'plan_code', 'plan_code', 'string', 'public', 'Mã quy hoạch', 'Plan code', true, true, null, 1),
  ('planning-zones', 'plan_kind', 'plan_kind', 'string', 'public', 'Loại', 'Kind', true, true, 'plan_kind', 2),
  ('planning-zones', 'planned_purpose_code', 'planned_purpose_code', 'string', 'public', 'Mục đích quy hoạch', 'Planned purpose', true, true, 'land_use_purpose', 3),
  ('planning-zones', 'period_from', 'period_from', 'integer', 'public', 'Từ năm', 'From year', true, true, null, 4),
  ('planning-zones', 'period_to', 'period_to', 'integer', 'public', 'Đến năm', 'To year', true, true, null, 5),
  ('planning-zones', 'unit_code', 'unit_code', 'string', 'public', 'Mã đơn vị hành chính', 'Administrative unit', true, true, null, 6),
  ('planning-zones', 'approved_by', 'approved_by', 'string', 'public', 'Quyết định phê duyệt', 'Approving decision', true, false, null, 7),
  ('planning-zones', 'updated_at', 'updated_at', 'timestamp', 'public', 'Cập nhật lúc', 'Updated at', true, true, null, 8),
  ('planning-zones', 'geometry', 'geom', 'geometry', 'public', 'Ranh giới vùng', 'Zone boundary', true, false, null, 9),

  ('price-zones', 'price_table', 'price_table', 'string', 'public', 'Bảng giá', 'Price table', true, true, null, 1),
  ('price-zones', 'land_type_code', 'land_type_code', 'string', 'public', 'Loại đất', 'Land type', true, true, 'land_use_purpose', 2),
  ('price-zones', 'road_name', 'road_name', 'string', 'public', 'Tên đường', 'Road', true, true, null, 3),
  ('price-zones', 'segment_from', 'segment_from', 'string', 'public', 'Từ', 'Segment from', true, false, null, 4),
  ('price-zones', 'segment_to', 'segment_to', 'string', 'public', 'Đến', 'Segment to', true, false, null, 5),
  ('price-zones', 'position', 'position', 'integer', 'public', 'Vị trí', 'Position', true, true, null, 6),
  ('price-zones', 'price_per_m2', 'price_per_m2', 'number', 'public', 'Giá (đồng/m²)', 'Price (VND/m²)', true, true, null, 7),
  ('price-zones', 'effective_from', 'effective_from', 'date', 'public', 'Hiệu lực từ', 'Effective from', true, true, null, 8),
  ('price-zones', 'effective_to', 'effective_to', 'date', 'public', 'Hiệu lực đến', 'Effective until', true, true, null, 9),
  ('price-zones', 'unit_code', 'unit_code', 'string', 'public', 'Mã đơn vị hành chính', 'Administrative unit', true, true, null, 10),
  ('price-zones', 'updated_at', 'updated_at', 'timestamp', 'public', 'Cập nhật lúc', 'Updated at', true, true, null, 11),
  ('price-zones', 'geometry', 'geom', 'geometry', 'public', 'Đoạn đường', 'Road segment', true, false, null, 12),

  ('admin-units', 'code', 'code', 'string', 'public', 'Mã', 'Code', true, true, null, 1),
  ('admin-units', 'name', 'name', 'string', 'public', 'Tên', 'Name', true, true, null, 2),
  ('admin-units', 'level', 'level', 'string', 'public', 'Cấp', 'Level', true, true, 'admin_unit_level', 3),
  ('admin-units', 'parent_code', 'parent_code', 'string', 'public', 'Mã đơn vị cấp trên', 'Parent code', true, true, null, 4),
  ('admin-units', 'valid_from', 'valid_from', 'date', 'public', 'Hiệu lực từ', 'Valid from', true, true, null, 5),
  ('admin-units', 'valid_to', 'valid_to', 'date', 'public', 'Hết hiệu lực từ', 'Valid until (exclusive)', true, true, null, 6),
  ('admin-units', 'geometry', 'geom', 'geometry', 'public', 'Ranh giới', 'Boundary', true, false, null, 7),

  ('land-statistics', 'unit_code', 'unit_code', 'string', 'public', 'Mã đơn vị hành chính', 'Administrative unit', true, true, null, 1),
  ('land-statistics', 'purpose_code', 'purpose_code', 'string', 'public', 'Loại đất', 'Land-use purpose', true, true, 'land_use_purpose', 2),
  ('land-statistics', 'user_type_code', 'user_type_code', 'string', 'public', 'Đối tượng sử dụng', 'User type', true, true, 'land_user_type', 3),
  ('land-statistics', 'year', 'year', 'integer', 'public', 'Năm', 'Year', true, true, null, 4),
  ('land-statistics', 'area_m2', 'area_m2', 'number', 'public', 'Diện tích (m²)', 'Area (m²)', true, true, null, 5),
  ('land-statistics', 'source', 'source', 'string', 'public', 'Nguồn số liệu', 'Source', true, true, null, 6),
  ('land-statistics', 'updated_at', 'updated_at', 'timestamp', 'public', 'Cập nhật lúc', 'Updated at', true, true, null, 7);

-- Land users of a parcel: personal data, shared only through a granted special request. The
-- catalogue lists it so that agencies know it exists and what a request can ask for.
create schema if not exists restricted;
create view restricted.parcel_users as
  select pu.id, pu.parcel_id, pu.role, pu.share, u.user_type_code, u.full_name, u.id_kind, u.id_number, u.birth_year, u.address,
         greatest(pu.valid_from, u.valid_from) as updated_at
  from land.parcel_users pu join personal.land_users u on u.id = pu.land_user_id;

insert into catalog.datasets (id, title_vi, title_en, description_vi, description_en, publisher, sharing_mode, update_frequency,
  source_relation, source_tables, key_column, key_type, geometry_column, geometry_type, storage_srid, temporal_column, schema_uri, terms_of_use, keywords, position)
values
  ('parcel-users', 'Người sử dụng đất của thửa', 'Land users of parcels',
   'Người sử dụng, quản lý đất của từng thửa: họ tên, giấy tờ nhân thân, địa chỉ. Dữ liệu cá nhân: chỉ chia sẻ theo yêu cầu đặc thù có căn cứ pháp lý.',
   'Users and managers of each parcel: names, identity documents, addresses. Personal data: shared only through a special request with a legal basis.',
   'Sở Nông nghiệp và Môi trường', 'special-request', 'daily', 'restricted.parcel_users',
   array['land.parcel_users', 'personal.land_users']::regclass[], 'id', 'integer', null, null, null, null, null,
   'Chỉ chia sẻ theo yêu cầu đặc thù được phê duyệt (Luật 91/2025/QH15, NĐ 356/2025/NĐ-CP); mọi lần đọc được ghi nhật ký.',
   array['người sử dụng đất', 'land users', 'dữ liệu cá nhân'], 6);

insert into catalog.dataset_fields (dataset_id, name, column_name, type, sensitivity, title_vi, title_en, queryable, sortable, code_list, position) values
  ('parcel-users', 'parcel_id', 'parcel_id', 'integer', 'public', 'Mã thửa (id)', 'Parcel id', true, true, null, 1),
  ('parcel-users', 'role', 'role', 'string', 'public', 'Vai trò', 'Role', true, true, 'parcel_user_role', 2),
  ('parcel-users', 'share', 'share', 'number', 'internal', 'Tỷ lệ sở hữu', 'Share', true, true, null, 3),
  ('parcel-users', 'user_type_code', 'user_type_code', 'string', 'internal', 'Đối tượng sử dụng', 'User type', true, true, 'land_user_type', 4),
  ('parcel-users', 'full_name', 'full_name', 'string', 'personal', 'Họ tên / tên tổ chức', 'Name', true, false, null, 5),
  ('parcel-users', 'id_kind', 'id_kind', 'string', 'personal', 'Loại giấy tờ', 'ID document kind', true, false, 'id_document_kind', 6),
  ('parcel-users', 'id_number', 'id_number', 'string', 'personal', 'Số giấy tờ', 'ID number', true, false, null, 7),
  ('parcel-users', 'birth_year', 'birth_year', 'integer', 'personal', 'Năm sinh', 'Birth year', true, false, null, 8),
  ('parcel-users', 'address', 'address', 'string', 'personal', 'Địa chỉ thường trú', 'Address', false, false, null, 9),
  ('parcel-users', 'updated_at', 'updated_at', 'timestamp', 'public', 'Cập nhật lúc', 'Updated at', true, true, null, 10);
