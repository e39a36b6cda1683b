-- pgfleet 0005_service_slug_required
-- scope: tenant
-- transaction: true
-- hazards: SET NOT NULL on services_service.slug scans services_service under an exclusive lock; building the unique index services_service_slug_key scans services_service under a lock

-- +up
-- hazard blocks_writes: SET NOT NULL on services_service.slug scans services_service under an exclusive lock
ALTER TABLE services_service ALTER COLUMN slug SET NOT NULL;

-- hazard blocks_writes: building the unique index services_service_slug_key scans services_service under a lock
ALTER TABLE services_service ADD CONSTRAINT services_service_slug_key UNIQUE (slug);

-- +down
ALTER TABLE services_service DROP CONSTRAINT services_service_slug_key;
ALTER TABLE services_service ALTER COLUMN slug DROP NOT NULL;
