/**
 * A tiny authoritative DNS server for tests that run inside a network namespace: answers A, AAAA
 * and PTR questions over UDP from a zone given as JSON, records in the zone's order, so that both
 * glibc's resolver and Node's c-ares see exactly the answers a test chose.
 *
 *   node dnsServer.js '{"dual.test":{"A":["198.51.100.10"],"AAAA":["2001:db8::10"]},
 *                       "10.100.51.198.in-addr.arpa":{"PTR":["dual.test"]}}' [port]
 *
 * Prints "ready" once it listens on 127.0.0.1, then "query NAME TYPE" for every question.
 */

import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

type Zone = Record<string, { A?: string[]; AAAA?: string[]; PTR?: string[] }>;

const TYPE_A = 1;
const TYPE_PTR = 12;
const TYPE_AAAA = 28;

/** The question's name and type, and where the question ends; undefined for anything malformed. */
function readQuestion(packet: Buffer): { name: string; type: number; end: number } | undefined {
  if (packet.length < 12 || packet.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= packet.length) return undefined;
    const length = packet[at++];
    if (length === 0) break;
    if (length > 63 || at + length > packet.length) return undefined;
    labels.push(packet.toString('latin1', at, at + length));
    at += length;
  }
  if (at + 4 > packet.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: packet.readUInt16BE(at), end: at + 4 };
}

function addressBytes(text: string, type: number): Buffer {
  if (type === TYPE_A) return Buffer.from(text.split('.').map(Number));
  // Expand "::" and write the eight groups.
  const [head, tail = ''] = text.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const all = text.includes('::')
    ? [...groups(head), ...Array(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)]
    : groups(text);
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** A name as DNS writes it: each label after its length, then a zero. */
function nameBytes(name: string): Buffer {
  const labels = name.split('.').filter((l) => l !== '');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])),
    Buffer.from([0]),
  ]);
}

function recordsOf(entry: Zone[string] | undefined, type: number): string[] {
  if (type === TYPE_A) return entry?.A ?? [];
  if (type === TYPE_AAAA) return entry?.AAAA ?? [];
  if (type === TYPE_PTR) return entry?.PTR ?? [];
  return [];
}

function answer(query: Buffer, zone: Zone): Buffer | undefined {
  const question = readQuestion(query);
  if (!question) return undefined;
  const entry = zone[question.name];
  const records = recordsOf(entry, question.type);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, AA, RD copied, RA; NXDOMAIN for names the zone lacks, else NOERROR (possibly no data).
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (entry ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const rrs = records.map((text) => {
    const data = question.type === TYPE_PTR ? nameBytes(text) : addressBytes(text, question.type);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
    rr.writeUInt16BE(question.type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...rrs]);
}

const zone = JSON.parse(process.argv[2] ?? '{}') as Zone;
for (const entry of Object.values(zone)) {
  for (const text of entry.AAAA ?? [])
    if (!isIPv6(text) || text.includes('.')) throw new Error(`AAAA ${text}: write IPv6 in hex groups`);
}
const socket = createSocket('udp4');
socket.on('message', (message, peer) => {
  // Every question is said, so that a test can tell which lookups a program made.
  const question = readQuestion(message);
  if (question) process.stdout.write(`query ${question.name} ${question.type}\n`);
  const reply = answer(message, zone);
  if (reply) socket.send(reply, peer.port, peer.address);
});
socket.bind(Number(process.argv[3] ?? 53), '127.0.0.1', () => process.stdout.write('ready\n'));
