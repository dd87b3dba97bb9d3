/** files.* of the fake Slack API, the upload URL and the authenticated file download. */
import { compact } from './methods-chat.js';
import { type FakeState, type Handler, checkMessageContent, optStr, reqStr, requireArgs } from './state.js';
import { type FileObject, SlackApiError } from './types.js';

const TYPES: Record<string, [filetype: string, mimetype: string, pretty: string]> = {
  csv: ['csv', 'text/csv', 'CSV'],
  tsv: ['tsv', 'text/tab-separated-values', 'TSV'],
  txt: ['text', 'text/plain', 'Plain Text'],
  json: ['json', 'application/json', 'JSON'],
  md: ['markdown', 'text/markdown', 'Markdown (raw)'],
  pdf: ['pdf', 'application/pdf', 'PDF'],
  png: ['png', 'image/png', 'PNG'],
  jpg: ['jpg', 'image/jpeg', 'JPEG'],
  jpeg: ['jpg', 'image/jpeg', 'JPEG'],
  zip: ['zip', 'application/zip', 'Zip'],
  xlsx: ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Excel Spreadsheet'],
};

export interface NewFile {
  name: string;
  title?: string;
  bytes?: Buffer;
  size?: number;
  mimetype?: string;
  filetype?: string;
  user?: string;
}

export function createFile(s: FakeState, f: NewFile, source: 'app' | 'user'): FileObject {
  const id = s.nextId('F');
  const ext = /\.([A-Za-z0-9]+)$/.exec(f.name)?.[1]?.toLowerCase() ?? '';
  const [filetype, mimetype, pretty] = TYPES[ext] ?? ['binary', 'application/octet-stream', 'Binary'];
  const now = Math.floor(Date.now() / 1000);
  const url = s.fileUrl(id, f.name);
  // A member's file is in their workspace; the app's, in the workspace of the token that uploads it.
  const team = s.teams.get(f.user ? s.teamOfUser(f.user) : s.caller.id) ?? s.caller;
  const file: FileObject = {
    id,
    created: now,
    timestamp: now,
    name: f.name,
    title: f.title ?? f.name,
    mimetype: f.mimetype ?? mimetype,
    filetype: f.filetype ?? filetype,
    pretty_type: pretty,
    user: f.user ?? team.botUserId,
    user_team: team.id,
    size: f.bytes?.length ?? f.size ?? 0,
    mode: 'hosted',
    is_external: false,
    is_public: false,
    url_private: url,
    url_private_download: url,
    permalink: `https://${team.domain}.slack.com/files/${f.user ?? team.botUserId}/${id}/${encodeURIComponent(f.name)}`,
    channels: [],
    groups: [],
    ims: [],
    shares: {},
  };
  s.files.set(id, { file, bytes: f.bytes, source, completed: source === 'user', declaredLength: f.size });
  return file;
}

const CHANNEL_ID = /^[CGDZ][A-Z0-9]+$/;

/** Like Slack, a token sees the files of its own workspace only. */
function checkFileOfCaller(s: FakeState, file: FileObject): void {
  if (file.user_team !== s.caller.id)
    throw new SlackApiError('file_not_found', [`[ERROR] file ${file.id} is in workspace ${file.user_team}, not ${s.caller.id}`]);
}

function shareFile(file: FileObject, channel: string, ts: string, threadTs: string | undefined): void {
  const list = channel.startsWith('D') ? file.ims : channel.startsWith('G') ? file.groups : file.channels;
  if (!list.includes(channel)) list.push(channel);
  const visibility = channel.startsWith('C') ? 'public' : 'private';
  const shares = (file.shares[visibility] ??= {});
  (shares[channel] ??= []).push(compact({ ts, thread_ts: threadTs }));
  file.is_public = file.is_public || visibility === 'public';
}

export const fileMethods: Record<string, Handler> = {
  'files.info': (args, s) => {
    const rec = s.files.get(reqStr(args, 'file'));
    if (!rec || (rec.source === 'app' && !rec.completed)) throw new SlackApiError('file_not_found');
    checkFileOfCaller(s, rec.file);
    return { ok: true, file: rec.file, comments: [], response_metadata: { next_cursor: '' } };
  },

  /** Like Slack: a bot deletes only files it uploaded; the file's shares become tombstones (it leaves every message). */
  'files.delete': (args, s) => {
    const id = reqStr(args, 'file');
    if (!/^F[A-Z0-9]+$/.test(id))
      throw new SlackApiError('invalid_arguments', [`[ERROR] file must be a file id (F…), got ${JSON.stringify(id)} [json-pointer:/file]`]);
    const rec = s.files.get(id);
    if (!rec || (rec.source === 'app' && !rec.completed)) throw new SlackApiError('file_not_found');
    checkFileOfCaller(s, rec.file);
    if (rec.source !== 'app') throw new SlackApiError('cant_delete_file');
    s.files.delete(id);
    for (const messages of s.messages.values()) {
      for (const msg of messages) if (msg.files?.some((f) => f.id === id)) msg.files = msg.files.filter((f) => f.id !== id);
    }
    return { ok: true };
  },

  'files.getUploadURLExternal': (args, s) => {
    requireArgs(args, ['filename', 'length']);
    const filename = reqStr(args, 'filename');
    const length = Number(args.length);
    if (!Number.isInteger(length) || length <= 0) {
      throw new SlackApiError('invalid_arguments', [`[ERROR] length must be a positive integer (got ${String(args.length)}) [json-pointer:/length]`]);
    }
    const file = createFile(s, { name: filename, size: length }, 'app');
    return { ok: true, upload_url: `${s.config.url}/upload/${file.id}`, file_id: file.id };
  },

  'files.completeUploadExternal': (args, s) => {
    requireArgs(args, ['files']);
    const files = args.files;
    if (!Array.isArray(files) || files.length === 0) {
      throw new SlackApiError('invalid_arguments', ['[ERROR] files must be a non-empty JSON array of {id, title} [json-pointer:/files]']);
    }
    const channelId = optStr(args, 'channel_id');
    const channelsCsv = optStr(args, 'channels');
    const channels =
      channelId !== undefined
        ? [channelId]
        : (channelsCsv
            ?.split(',')
            .map((c) => c.trim())
            .filter(Boolean) ?? []);
    for (const c of channels) {
      if (!CHANNEL_ID.test(c)) {
        throw new SlackApiError('invalid_arguments', [`[ERROR] input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ (got ${c}) [json-pointer:/channel_id]`]);
      }
      s.checkChannelOfCaller(c);
    }
    const threadTs = optStr(args, 'thread_ts');
    if (threadTs !== undefined && channels.length === 0) {
      throw new SlackApiError('invalid_arguments', ['[ERROR] thread_ts requires channel_id [json-pointer:/thread_ts]']);
    }
    const initialComment = optStr(args, 'initial_comment');
    if (initialComment !== undefined && initialComment.length > 40000) throw new SlackApiError('msg_too_long');
    const blocks = checkMessageContent({ blocks: args.blocks, initial_comment: initialComment }, false);
    const recs = files.map((f: unknown, i: number) => {
      const entry = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
      const rec = typeof entry.id === 'string' ? s.files.get(entry.id) : undefined;
      if (rec?.source !== 'app') throw new SlackApiError('file_not_found', [`[ERROR] unknown file id ${String(entry.id)} [json-pointer:/files/${i}/id]`]);
      if (!rec.bytes) throw new SlackApiError('file_not_found', [`[ERROR] nothing was uploaded to the upload_url of ${rec.file.id}`]);
      if (typeof entry.title === 'string' && entry.title !== '') rec.file.title = entry.title;
      return rec;
    });
    for (const rec of recs) {
      rec.completed = true;
      rec.threadTs = threadTs;
      rec.initialComment = initialComment;
    }
    for (const channel of channels) {
      const msg = s.addMessage(s.botMessage(channel, compact({ text: initialComment ?? '', blocks, thread_ts: threadTs, files: recs.map((r) => r.file) })));
      for (const rec of recs) shareFile(rec.file, channel, msg.ts, threadTs);
    }
    return { ok: true, files: recs.map((r) => r.file) };
  },
};

/** POST to an upload_url: stores the bytes (raw body, or the file part of multipart/form-data). */
export function storeUpload(s: FakeState, fileId: string, bytes: Buffer): { status: number; text: string } {
  const rec = s.files.get(fileId);
  if (rec?.source !== 'app') return { status: 404, text: 'file_not_found' };
  if (rec.completed) return { status: 400, text: 'upload_already_completed' };
  if (rec.declaredLength !== undefined && rec.declaredLength !== bytes.length) {
    return { status: 400, text: `length_mismatch: files.getUploadURLExternal said ${rec.declaredLength} bytes, got ${bytes.length}` };
  }
  rec.bytes = bytes;
  rec.file.size = bytes.length;
  return { status: 200, text: `OK - ${bytes.length}` };
}

/** GET /files/<id>/<name>: bytes only with the bot token, like files.slack.com. */
export function serveFile(
  s: FakeState,
  fileId: string,
  name: string,
  authorization: string | undefined,
): { status: number; body: Buffer | string; headers: Record<string, string> } {
  const token = s.tokens.get(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
  if (!token || token.revoked) {
    return { status: 401, body: 'not_authed: send Authorization: Bearer <bot token>', headers: { 'content-type': 'text/plain' } };
  }
  const rec = s.files.get(fileId);
  // Another workspace's token finds no such file, as on files.slack.com.
  if (!rec?.bytes || rec.file.name !== name || (rec.source === 'app' && !rec.completed) || rec.file.user_team !== token.teamId) {
    return { status: 404, body: 'file_not_found', headers: { 'content-type': 'text/plain' } };
  }
  return { status: 200, body: rec.bytes, headers: { 'content-type': rec.file.mimetype, 'content-length': String(rec.bytes.length) } };
}
