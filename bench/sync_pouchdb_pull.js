// Pulls a remote database into a fresh in-memory PouchDB 9 with PouchDB's own replicator and
// prints one JSON line: {"ms": elapsed, "docs_read": n, "docs_written": n, "noop_ms": ..., "noop_requests": ...}.
// Usage: node bench/sync_pouchdb_pull.js NODE_MODULES_DIR DATABASE_URL
'use strict';
const path = require('path');
const [modules, url] = process.argv.slice(2);
const PouchDB = require(path.join(modules, 'pouchdb')).plugin(require(path.join(modules, 'pouchdb-adapter-memory')));

let requests = 0;
const countingFetch = (u, opts) => { requests++; return PouchDB.fetch(u, opts); };

(async () => {
  const remote = new PouchDB(url, { fetch: countingFetch });
  const local = new PouchDB('bench-' + process.pid + '-' + Date.now(), { adapter: 'memory' });
  const t0 = process.hrtime.bigint();
  const result = await local.replicate.from(remote);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const before = requests;
  const t1 = process.hrtime.bigint();
  const again = await local.replicate.from(remote);
  const noopMs = Number(process.hrtime.bigint() - t1) / 1e6;
  console.log(JSON.stringify({ ms, docs_read: result.docs_read, docs_written: result.docs_written,
    noop_ms: noopMs, noop_requests: requests - before, noop_docs_read: again.docs_read }));
})().catch((e) => { console.error(e); process.exit(1); });
