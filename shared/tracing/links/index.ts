export { defaultPlatform, traceActions } from './actions';
export { InvalidTraceIdError, TraceLinkError, TraceViewerConfigError, safePreview } from './errors';
export { fromXRayTraceId, isSpanId, isTraceId, isXRayTraceId, normalizeTraceId, toXRayTraceId } from './ids';
export { isShellSafeUrl, posixQuote, powerShellQuote } from './shell';
export type { ActionPlatform, TraceAction, TraceViewer, TraceViewerInput, TraceViewerKind } from './types';
export { parseTraceViewer, traceUrl } from './viewers';
