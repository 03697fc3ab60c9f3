/** The seed's per-job trace actions: copy the id, open the trace, view the id. */
import { TraceLinkError } from './errors';
import { normalizeTraceId, toXRayTraceId } from './ids';
import { isShellSafeUrl, posixQuote, powerShellQuote } from './shell';
import type { ActionPlatform, TraceAction, TraceViewer, TraceViewerKind } from './types';
import { traceUrl } from './viewers';

interface PlatformCommands {
  readonly copy: (text: string) => string;
  readonly open: (url: string) => string;
  readonly copyNote: string;
}

const COMMANDS: Readonly<Record<ActionPlatform, PlatformCommands>> = {
  // printf rather than echo: no trailing newline on the clipboard, and no echo escape handling.
  darwin: {
    copy: (text) => `printf '%s' ${posixQuote(text)} | pbcopy`,
    open: (url) => `open ${posixQuote(url)}`,
    copyNote: '',
  },
  linux: {
    copy: (text) => `printf '%s' ${posixQuote(text)} | xclip -selection clipboard`,
    open: (url) => `xdg-open ${posixQuote(url)}`,
    copyNote: ' (X11; on Wayland pipe to wl-copy instead of xclip)',
  },
  // PowerShell, not cmd.exe: cmd expands %VAR% and ^ even inside double quotes.
  win32: {
    copy: (text) => `Set-Clipboard -Value ${powerShellQuote(text)}`,
    open: (url) => `Start-Process ${powerShellQuote(url)}`,
    copyNote: ' (PowerShell)',
  },
};

const VIEWER_NAMES: Readonly<Record<TraceViewerKind, string>> = {
  none: 'no viewer',
  local: 'the local trace viewer',
  jaeger: 'Jaeger',
  zipkin: 'Zipkin',
  xray: 'the CloudWatch console (X-Ray)',
  custom: 'the trace viewer',
};

/** The platform commands are written for; platforms other than macOS and Windows get the Linux tools. */
export function defaultPlatform(): ActionPlatform {
  const p = process.platform;
  return p === 'darwin' || p === 'win32' ? p : 'linux';
}

/**
 * Copy, open (unless the viewer is none) and view actions for one trace. The id is validated first and
 * throws `InvalidTraceIdError`; nothing from the input reaches a command except the re-rendered id.
 */
export function traceActions(viewer: TraceViewer, traceId: string, platform: ActionPlatform = defaultPlatform()): TraceAction[] {
  const id = normalizeTraceId(traceId);
  const commands = commandsFor(platform);
  const url = traceUrl(viewer, id);
  const actions = [copyAction(viewer.kind === 'xray' ? toXRayTraceId(id) : id, viewer.kind, commands)];
  if (url !== undefined) actions.push(openAction(url, viewer.kind, commands));
  actions.push(viewAction(id, viewer.kind));
  return actions;
}

function commandsFor(platform: ActionPlatform): PlatformCommands {
  // Checked at run time too: callers in plain JS can pass any process.platform value.
  if (!Object.hasOwn(COMMANDS, platform)) {
    throw new TraceLinkError('UNSUPPORTED_PLATFORM', `no trace commands for platform ${String(platform)}`);
  }
  return COMMANDS[platform];
}

function copyAction(id: string, kind: TraceViewerKind, commands: PlatformCommands): TraceAction {
  const what = kind === 'xray' ? 'X-Ray trace ID' : 'trace ID';
  return {
    type: 'copy',
    label: 'Copy Trace ID',
    description: `Copy ${what} to clipboard${commands.copyNote}`,
    command: commands.copy(id),
  };
}

function openAction(url: string, kind: TraceViewerKind, commands: PlatformCommands): TraceAction {
  // traceUrl already guarantees this; checked again where the URL meets the shell.
  if (!isShellSafeUrl(url)) {
    throw new TraceLinkError('UNSAFE_TRACE_URL', 'trace URL holds characters unsafe for a shell');
  }
  const description = `Open trace in ${VIEWER_NAMES[kind]}`;
  return { type: 'open', label: 'Open Trace', description, url, command: commands.open(url) };
}

function viewAction(id: string, kind: TraceViewerKind): TraceAction {
  const xray = kind === 'xray' ? ` (X-Ray: ${toXRayTraceId(id)})` : '';
  return { type: 'view', label: 'View Trace ID', description: `Trace ID: ${id}${xray}` };
}
