#!/usr/bin/env bash
# Services the tests need, from Debian's packages: PostgreSQL (started, with a role and a
# test database) and Chromium (driven by Playwright, never downloaded by it).
# Sourced by .ci/run; exports PACTWATCH_TEST_PG_URL for the suite.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
# The client tools may be there without the server: look for the server binary itself.
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || ! command -v chromium >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq postgresql chromium >/dev/null
fi

pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^${pg_version} main"; then
  pg_createcluster "$pg_version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^${pg_version} main .* online"; then
  pg_ctlcluster "$pg_version" main start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done

su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pactwatch') THEN
    CREATE ROLE pactwatch LOGIN PASSWORD 'pactwatch';
  END IF;
END $$;
SELECT 'CREATE DATABASE pactwatch_test OWNER pactwatch'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'pactwatch_test')\gexec
SQL

export PACTWATCH_TEST_PG_URL="postgresql://pactwatch:pactwatch@127.0.0.1:5432/pactwatch_test"
