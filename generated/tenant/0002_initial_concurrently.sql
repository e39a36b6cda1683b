-- pgfleet 0002_initial_concurrently
-- scope: tenant
-- requires: shared 0001
-- transaction: false
-- hazards: none

-- +up
CREATE INDEX CONCURRENTLY services_service_recent_idx ON services_service (created_at DESC) WHERE (capacity > 0);

-- +down
DROP INDEX CONCURRENTLY services_service_recent_idx;
