import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { ProtoWriter } from './proto-writer';

/** opentelemetry/proto/common/v1 AnyValue: string, bool, int (integral numbers, as the SDK), double, array. */
export function anyValue(w: ProtoWriter, value: AttributeValue | null | undefined): void {
  if (typeof value === 'string') w.string(1, value);
  else if (typeof value === 'boolean') w.varint(2, value ? 1 : 0);
  else if (typeof value === 'number' && Number.isInteger(value)) w.varint(3, value);
  else if (typeof value === 'number') w.double(4, value);
  else if (Array.isArray(value)) w.message(5, (arr) => value.forEach((v) => arr.message(1, (a) => anyValue(a, v))));
}

/** repeated KeyValue under `field`; keys whose value is undefined are skipped as the SDK does. */
export function attributes(w: ProtoWriter, field: number, attrs: Attributes | undefined): void {
  if (!attrs) return;
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined) continue;
    w.message(field, (kv) => {
      kv.string(1, key);
      kv.message(2, (v) => anyValue(v, value));
    });
  }
}

/**
 * A Resource message, encoded once per resource: every export carries the same one (service, host,
 * faas.* …), and re-encoding it per export was a visible part of a sampled invocation's cost.
 */
const encodedResources = new WeakMap<object, Uint8Array>();
export function encodedResource(resource: { readonly attributes: Attributes }): Uint8Array {
  let bytes = encodedResources.get(resource);
  if (!bytes) {
    const w = new ProtoWriter();
    attributes(w, 1, resource.attributes);
    encodedResources.set(resource, (bytes = Uint8Array.from(w.finish())));
  }
  return bytes;
}
