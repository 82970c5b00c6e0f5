// Replication scenario for the hub and PouchDB Server: PouchDB 9 (memory adapter) pushes documents
// with awkward ids, deletions and multi-branch conflicts to SERVER/DB, a second PouchDB pulls them,
// edits and pushes back, the first pulls again. Then every document's winner and conflict list is
// compared between both PouchDBs and the server. Prints one JSON object (id -> {rev, conflicts,
// deleted}) on stdout; exits 1 on any disagreement.
// usage: node pouchdb_scenario.js SERVER_URL DB [USER PASSWORD]
'use strict';
const path = require('path');
const modules = path.join(__dirname, '..', 'node', 'node_modules');
const PouchDB = require(path.join(modules, 'pouchdb'));
PouchDB.plugin(require(path.join(modules, 'pouchdb-adapter-memory')));

const [serverUrl, dbName, user, password] = process.argv.slice(2);
const auth = user ? { username: user, password } : undefined;
const remoteUrl = serverUrl.replace(/\/$/, '') + '/' + encodeURIComponent(dbName);

async function rawGet(id, query) {
  const headers = {};
  if (auth) headers.Authorization = 'Basic ' + Buffer.from(user + ':' + password).toString('base64');
  const res = await fetch(remoteUrl + '/' + encodeURIComponent(id) + (query || ''), { headers });
  return { status: res.status, body: await res.json() };
}

// Revisions PouchDB generates are random; keep the generation, drop the hash, so runs against
// different servers compare equal. Revisions written by this script (short hashes) stay exact.
function normalize(value) {
  return JSON.parse(JSON.stringify(value).replace(/"(\d+)-[0-9a-f]{32}/g, '"$1-*'));
}

function fail(message) {
  console.error('MISMATCH: ' + message);
  process.exitCode = 1;
}

async function main() {
  const a = new PouchDB('scenario-a', { adapter: 'memory' });
  const b = new PouchDB('scenario-b', { adapter: 'memory' });
  const remote = new PouchDB(remoteUrl, { auth });

  const ids = ['plain', 'with/slash', 'with+plus', 'with space', 'Программа дня', 'a/b+c d/Ё', 'to-delete', 'later-deleted'];
  for (let i = 0; i < 40; i++) ids.push('doc-' + String(i).padStart(3, '0'));
  for (const id of ids) await a.put({ _id: id, title: 'Title of ' + id, n: id.length });
  // deletions before the first push
  await a.remove(await a.get('to-delete'));
  for (let i = 0; i < 5; i++) await a.remove(await a.get('doc-' + String(i).padStart(3, '0')));
  // multi-branch conflicts, made as a replicator would write them
  await a.bulkDocs([
    { _id: 'conflicted', _rev: '1-aaaa', v: 1 },
    { _id: 'conflicted', _rev: '2-bbbb', v: 2, _revisions: { start: 2, ids: ['bbbb', 'aaaa'] } },
    { _id: 'conflicted', _rev: '2-cccc', v: 3, _revisions: { start: 2, ids: ['cccc', 'aaaa'] } },
    { _id: 'conflicted', _rev: '3-dddd', v: 4, _revisions: { start: 3, ids: ['dddd', 'cccc', 'aaaa'] } },
    { _id: 'conflicted', _rev: '2-eeee', _deleted: true, _revisions: { start: 2, ids: ['eeee', 'aaaa'] } },
    { _id: 'three-way', _rev: '1-1111', v: 1 },
    { _id: 'three-way', _rev: '2-2222', v: 2, _revisions: { start: 2, ids: ['2222', '1111'] } },
    { _id: 'three-way', _rev: '2-3333', v: 3, _revisions: { start: 2, ids: ['3333', '1111'] } },
    { _id: 'three-way', _rev: '2-4444', v: 4, _revisions: { start: 2, ids: ['4444', '1111'] } },
    { _id: 'Конфликт/1', _rev: '1-9999', v: 1 },
    { _id: 'Конфликт/1', _rev: '1-8888', v: 2 },
  ], { new_edits: false });

  await a.replicate.to(remote);
  await b.replicate.from(remote);
  // b edits: resolve one conflict branch, update, delete; then both directions again
  const tw = await b.get('three-way', { conflicts: true });
  await b.remove('three-way', tw._conflicts[0]);
  await b.put(Object.assign(await b.get('plain'), { title: 'edited on b' }));
  await b.remove(await b.get('later-deleted'));
  await b.put({ _id: 'made-on-b', title: 'new' });
  await b.replicate.to(remote);
  await a.replicate.from(remote);
  // a concurrent edit conflict created on a, pushed again
  await a.bulkDocs([{ _id: 'plain', _rev: '2-ffff', title: 'branch on a', _revisions: { start: 2, ids: ['ffff', (await a.get('plain', { revs: true }))._revisions.ids.slice(-1)[0]] } }], { new_edits: false });
  await a.replicate.to(remote);
  await b.replicate.from(remote);

  const all = await a.allDocs();
  const everyId = new Set(ids.concat(['conflicted', 'three-way', 'Конфликт/1', 'made-on-b']));
  for (const row of all.rows) everyId.add(row.id);
  const out = {};
  for (const id of [...everyId].sort()) {
    const local = await a.get(id, { conflicts: true }).catch((e) => ({ error: e.status, reason: e.reason || e.message }));
    const other = await b.get(id, { conflicts: true }).catch((e) => ({ error: e.status, reason: e.reason || e.message }));
    const server = await rawGet(id, '?conflicts=true');
    const summary = (d) => d.error ? { error: d.error } : { rev: d._rev, conflicts: (d._conflicts || []).slice().sort() };
    const sa = summary(local), sb = summary(other);
    const ss = server.status === 200 ? summary(server.body) : { error: server.status };
    if (JSON.stringify(sa) !== JSON.stringify(ss)) fail(id + ': PouchDB ' + JSON.stringify(sa) + ' server ' + JSON.stringify(ss));
    if (JSON.stringify(sa) !== JSON.stringify(sb)) fail(id + ': PouchDB a ' + JSON.stringify(sa) + ' b ' + JSON.stringify(sb));
    if (ss.error) {
      // deleted documents: the server must still know the tombstone and its rev
      const tomb = await rawGet(id, '?open_revs=all');
      ss.openRevs = Array.isArray(tomb.body) ? tomb.body.map((r) => (r.ok ? r.ok._rev + (r.ok._deleted ? ':deleted' : '') : 'missing')).sort() : tomb.status;
    }
    out[id] = normalize(ss);
  }
  const info = await remote.info();
  out._info = { doc_count: info.doc_count };
  const localInfo = await a.info();
  if (localInfo.doc_count !== info.doc_count) fail('doc_count: PouchDB ' + localInfo.doc_count + ' server ' + info.doc_count);
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  console.error('scenario failed:', e && (e.stack || JSON.stringify(e)));
  process.exit(2);
});
