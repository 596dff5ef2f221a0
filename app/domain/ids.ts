// Time-ordered UUIDs (RFC 9562, version 7) for rows written at a high rate: events, their request
// ids, task runs and action runs. A random (version 4) id lands on a random page of its index, so
// every insert dirtied another page to write and, once the table outgrew SQLite's cache, to read
// back; a version 7 id starts with the time, so new ids go to the index's last page. The other 74
// bits are random: ids stay unique and unguessable enough for ids that are not secrets. Secrets
// (webhook ids, which are the URL's secret part) stay version 4: they must not reveal a time.
import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

// Random bytes are drawn 4 KB at a time: one call to the system's generator per 256 ids instead of
// one per id (a runner process makes a few ids per event; the call was most of an id's cost).
const POOL = new Uint8Array(4096);
let poolOffset = POOL.length;

/** A version 7 UUID for `now` (milliseconds since 1970): 48 bits of time, 74 random bits. */
export function timeOrderedUuid(now: number = Date.now()): string {
  if (poolOffset + 16 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  // Read in place from the pool (no copy, no array of pieces): ids are made per request.
  const r = poolOffset;
  poolOffset += 16;
  const high = Math.floor(now / 0x10000); // the upper 32 of the 48 time bits
  return (
    HEX[(high >>> 24) & 0xff]! +
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    "-" +
    HEX[(now >>> 8) & 0xff]! +
    HEX[now & 0xff]! +
    "-" +
    HEX[(POOL[r + 6]! & 0x0f) | 0x70]! + // version 7
    HEX[POOL[r + 7]!]! +
    "-" +
    HEX[(POOL[r + 8]! & 0x3f) | 0x80]! + // RFC 9562 variant
    HEX[POOL[r + 9]!]! +
    "-" +
    HEX[POOL[r + 10]!]! +
    HEX[POOL[r + 11]!]! +
    HEX[POOL[r + 12]!]! +
    HEX[POOL[r + 13]!]! +
    HEX[POOL[r + 14]!]! +
    HEX[POOL[r + 15]!]!
  );
}
