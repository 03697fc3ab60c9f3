/** Wire types. */
const VARINT = 0,
  I64 = 1,
  LEN = 2,
  I32 = 5;

const TWO_32 = 2 ** 32;

/** Bytes of `n` (a non-negative safe integer) as a varint. */
function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/**
 * Protobuf's wire format, what OTLP spans and metrics need, into one growing buffer. A nested message is
 * written in place after a one-byte length, and moved up only when it turns out longer than 127 bytes:
 * no writer or buffer per message (an export is hundreds of them), and numbers stay numbers unless
 * negative or past 2^53.
 */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(1024);
  private pos = 0;

  /** uint32/uint64/int64 as a varint; negative int64 takes the full ten bytes, as protobuf requires. */
  varint(field: number, value: number | bigint): void {
    this.tag(field, VARINT);
    this.rawVarint(value);
  }

  /** fixed64 and sfixed64 alike: eight little-endian bytes, two's complement when negative. */
  fixed64(field: number, value: number | bigint): void {
    this.tag(field, I64);
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
    this.pos += 8;
  }

  /** A time as fixed64 nanoseconds since the epoch, from [seconds, nanoseconds], without BigInt. */
  fixed64Time(field: number, time: readonly [number, number]): void {
    this.tag(field, I64);
    this.reserve(8);
    // seconds × 1e9 + nanos exceeds 2^53: split seconds in 16-bit halves so every step stays exact.
    const high = Math.floor(time[0] / 65536) * 1e9;
    const low = (time[0] % 65536) * 1e9 + time[1];
    const carry = (high % 65536) * 65536 + low;
    this.buf.writeUInt32LE(carry % TWO_32, this.pos);
    this.buf.writeUInt32LE(Math.floor(high / 65536) + Math.floor(carry / TWO_32), this.pos + 4);
    this.pos += 8;
  }

  fixed32(field: number, value: number): void {
    this.tag(field, I32);
    this.reserve(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  double(field: number, value: number): void {
    this.tag(field, I64);
    this.rawDouble(value);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, LEN);
    this.rawVarint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Bytes given as hex (trace and span ids), decoded straight into the buffer. */
  hexBytes(field: number, hex: string): void {
    this.tag(field, LEN);
    const length = hex.length >>> 1;
    this.rawVarint(length);
    this.reserve(length);
    // Invalid hex stops the decoding: zeros keep the length written above true.
    const written = this.buf.write(hex, this.pos, length, 'hex');
    this.buf.fill(0, this.pos + written, this.pos + length);
    this.pos += length;
  }

  string(field: number, value: string): void {
    this.tag(field, LEN);
    const length = Buffer.byteLength(value, 'utf8');
    this.rawVarint(length);
    this.reserve(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  /** A nested message, written by `build` into this writer, then length-delimited. */
  message(field: number, build: (w: ProtoWriter) => void): void {
    this.tag(field, LEN);
    this.reserve(1);
    const lengthAt = this.pos++;
    build(this);
    const length = this.pos - lengthAt - 1;
    if (length <= 0x7f) {
      this.buf[lengthAt] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    this.reserve(extra);
    this.buf.copyWithin(lengthAt + 1 + extra, lengthAt + 1, this.pos);
    const end = this.pos + extra;
    this.pos = lengthAt;
    this.rawVarint(length);
    this.pos = end;
  }

  packedFixed64(field: number, values: readonly number[]): void {
    if (values.length > 0) this.message(field, (w) => values.forEach((v) => w.raw64(v)));
  }

  packedDouble(field: number, values: readonly number[]): void {
    if (values.length > 0) this.message(field, (w) => values.forEach((v) => w.rawDouble(v)));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint((field << 3) | wireType);
  }

  private rawVarint(value: number | bigint): void {
    this.reserve(10);
    if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      let v = value;
      while (v > 0x7f) {
        this.buf[this.pos++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      this.buf[this.pos++] = v;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private raw64(value: number): void {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
    this.pos += 8;
  }

  private rawDouble(value: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
