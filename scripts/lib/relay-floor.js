// The least a server can do for the calls the relay benchmark makes (scripts/bench.sh relay-floor): the RhoConnect Push
// Service routes it uses, answered in memory, without credentials or storage, a posted message handed straight to the
// device's held poll. Its POST -> poll answer latency is the floor of that figure on this machine.
// Usage: node relay-floor.js PORT
'use strict';
const http = require('http');

let nextId = 0;
let nextMessageId = 0;
const instancesByToken = new Map();
const heldPolls = new Map();
const queued = new Map();

function json(response, status, value) {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function empty(response, status, headers) {
  response.writeHead(status, headers);
  response.end();
}

http.createServer((request, response) => {
  const [, route, first] = request.url.split('?')[0].split('/');
  const key = `${request.method} ${route}`;
  if (key === 'GET healthz') return empty(response, 200);
  if (key === 'POST instanceId') return json(response, 200, { instance: `i${++nextId}` });
  if (key === 'GET instanceId') return empty(response, 204, { 'Set-Cookie': `instance=${first}; Path=/` });
  if (key === 'PUT registrations') {
    const token = `t${++nextId}`;
    instancesByToken.set(token, first);
    return json(response, 201, { token });
  }
  if (key === 'GET nextMessage') {
    const waiting = queued.get(first);
    if (waiting && waiting.length > 0) return json(response, 200, waiting.shift());
    heldPolls.set(first, response);
    request.on('close', () => { if (heldPolls.get(first) === response) heldPolls.delete(first); });
    return undefined;
  }
  if (key === 'POST messageQueue') {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const instance = instancesByToken.get(first);
      if (instance === undefined) return empty(response, 404);
      const message = { id: ++nextMessageId, token: first, data: JSON.parse(Buffer.concat(chunks)).data };
      const poll = heldPolls.get(instance);
      if (poll) {
        heldPolls.delete(instance);
        json(poll, 200, message);
      } else {
        if (!queued.has(instance)) queued.set(instance, []);
        queued.get(instance).push(message);
      }
      return empty(response, 204);
    });
    return undefined;
  }
  return empty(response, 404);
}).listen(Number(process.argv[2]), '127.0.0.1');
