-- pgfleet 0005_service_slug_required
-- scope: tenant
-- hazards: validating services_service_slug_not_null scans services_service\; writes go on (SHARE UPDATE EXCLUSIVE); builds services_service_slug_key on services_service concurrently\; writes go on

-- +up
-- +step transaction: true
ALTER TABLE services_service ADD CONSTRAINT services_service_slug_not_null CHECK (slug IS NOT NULL) NOT VALID;

-- +step transaction: true
-- hazard validates: validating services_service_slug_not_null scans services_service; writes go on (SHARE UPDATE EXCLUSIVE)
ALTER TABLE services_service VALIDATE CONSTRAINT services_service_slug_not_null;

-- +step transaction: true
ALTER TABLE services_service ALTER COLUMN slug SET NOT NULL;
ALTER TABLE services_service DROP CONSTRAINT services_service_slug_not_null;

-- +step transaction: false
-- hazard index_build: builds services_service_slug_key on services_service concurrently; writes go on
CREATE UNIQUE INDEX CONCURRENTLY services_service_slug_key ON services_service (slug);

-- +step transaction: true
ALTER TABLE services_service ADD CONSTRAINT services_service_slug_key UNIQUE USING INDEX services_service_slug_key;

-- +down
-- +step transaction: true undoes: 5
ALTER TABLE services_service DROP CONSTRAINT services_service_slug_key;

-- +step transaction: false undoes: 4
DROP INDEX CONCURRENTLY IF EXISTS services_service_slug_key;

-- +step transaction: true undoes: 1
ALTER TABLE services_service DROP CONSTRAINT IF EXISTS services_service_slug_not_null;
ALTER TABLE services_service ALTER COLUMN slug DROP NOT NULL;
