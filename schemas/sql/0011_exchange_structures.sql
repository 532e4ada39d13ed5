-- The exchange structures (JSON Schemas in schemas/json, served at /api/v1/schemas) are
-- published: link each default-shared dataset to its version 1. The catalogue and the
-- collections then carry a "describedby" link and exchangeStructure (DCAT dct:conformsTo).
-- A later structure version is linked by a later migration, once senders have had notice.
update catalog.datasets
set schema_uri = '/api/v1/schemas/' || id || '/v1'
where id in ('parcels', 'planning-zones', 'price-zones', 'admin-units', 'land-statistics');
