-- pgfleet 0003_add_service_slug
-- scope: tenant
-- transaction: true
-- hazards: none

-- +up
ALTER TABLE services_service ADD COLUMN slug character varying(200);
COMMENT ON COLUMN services_service.slug IS 'URL name made from name by generated/tenant/0004_fill_service_slug.ts';

-- +down
ALTER TABLE services_service DROP COLUMN slug;
