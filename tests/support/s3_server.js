// A signature-checking S3 server for the offsite tests: @20minutes/s3rver 4.x on 127.0.0.1 on a
// free port, path-style only, with one access key of our own (the package's built-in
// S3RVER/S3RVER pair is revoked so only our secret signs). Prints "READY <port>" when listening.
// Usage: node s3_server.js PACKAGE_DIR DATA_DIR ACCESS_KEY SECRET_KEY [--die-at-part=N] BUCKET...
// --die-at-part=N: the server SIGKILLs itself when the request for part N of a multipart upload
// arrives, after parts 1..N-1 were stored: a crash in the middle of an upload, at an exact
// point rather than after a guessed delay.
'use strict';
const [pkg, dir, access, secret, ...rest] = process.argv.slice(2);
let dieAtPart = 0;
const buckets = rest.filter((arg) => {
  const m = /^--die-at-part=(\d+)$/.exec(arg);
  if (m) dieAtPart = Number(m[1]);
  return !m;
});
const S3rver = require(pkg);
const { DUMMY_ACCOUNT } = require(pkg + '/lib/models/account');
DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
DUMMY_ACCOUNT.createKeyPair(access, secret);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dir,
  vhostBuckets: false,
  allowMismatchedSignatures: false,
  configureBuckets: buckets.map((name) => ({ name })),
});
if (dieAtPart > 0) {
  // First in the chain (Koa composes its middleware when it starts listening), so the part is
  // never read or stored.
  server.middleware.unshift((ctx, next) => {
    if (ctx.method === 'PUT' && Number(ctx.query.partNumber) === dieAtPart && ctx.query.uploadId) {
      process.kill(process.pid, 'SIGKILL');
    }
    return next();
  });
}
server.run().then((address) => {
  process.stdout.write('READY ' + address.port + '\n');
}, (err) => {
  process.stderr.write('s3_server.js: ' + err.stack + '\n');
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
