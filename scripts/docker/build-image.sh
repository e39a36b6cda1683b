#!/usr/bin/env bash
# Build pgfleet's PostGIS test image from Debian's packages, without any image registry:
# mmdebstrap makes a minimal bookworm root filesystem with postgresql-15 and
# postgresql-15-postgis-3 and pipes it as a tar into `docker import`.
#   scripts/docker/build-image.sh [TAG]        (default pgfleet-test/postgis:15-3)
# Needs root, mmdebstrap and a running dockerd. Skips the build when TAG exists.
set -euo pipefail
TAG="${1:-pgfleet-test/postgis:15-3}"
MIRROR="${PGFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
export TEMPLATE=/var/lib/postgresql/template
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "image $TAG exists"
  exit 0
fi
echo "building $TAG from Debian bookworm packages (mmdebstrap | docker import)"
# create_main_cluster = false: the package would otherwise initdb a cluster nobody uses;
# instead initdb makes the template cluster that entrypoint.sh copies at each start.
# Docs, man pages and translations are left out: the image only runs a server.
# Imported untagged and tagged only when both sides succeeded: a failed build leaves no
# tag that a later run would take for a finished image.
id=$(mmdebstrap --variant=essential --quiet \
  --include=postgresql-15,postgresql-15-postgis-3 \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/pgfleet.conf"' \
  --customize-hook="upload $HERE/entrypoint.sh /usr/local/bin/docker-entrypoint.sh" \
  --customize-hook='chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"' \
  --customize-hook='chroot "$1" sh -c "mkdir -p $TEMPLATE && chown postgres:postgres $TEMPLATE && setpriv --reuid=postgres --regid=postgres --init-groups /usr/lib/postgresql/15/bin/initdb -D $TEMPLATE --username=postgres --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --no-locale --no-sync >/dev/null"' \
  --customize-hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists"' \
  bookworm - "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" "deb ${MIRROR%/debian}/debian-security bookworm-security main" |
  docker import \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]' \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message 'pgfleet test image: Debian bookworm, postgresql-15, postgresql-15-postgis-3' \
    -)
docker tag "$id" "$TAG"
echo "built $TAG"
