import type { Block, KnownBlock, View } from '@slack/types';

export type Blocks = (KnownBlock | Block)[];

export interface SlackProfile {
  id: string;
  isOwnerOrAdmin: boolean;
  firstName?: string;
  lastName?: string;
  displayName: string;
  email?: string;
  timezone?: string;
}

/** Where a file was shared: the message that holds it (and the thread that message is in, if any). */
export interface FileShare {
  channel: string;
  ts: string;
  threadTs?: string;
}

export interface SlackFileInfo {
  id: string;
  name: string;
  size: number;
  mimetype?: string;
  filetype?: string;
  downloadUrl?: string;
  userId?: string;
  shares: FileShare[];
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

/**
 * The narrow part of Slack's Web API that Roster uses. Listeners and services talk to this, never
 * to the Web API client directly, so a fake can stand in for it and failures are handled in one place.
 */
export interface SlackPort {
  /** A DM from the app to a member (their Messages tab with Roster). */
  dm(userId: string, message: { text: string; blocks?: Blocks }): Promise<PostedMessage>;
  postMessage(channel: string, message: { text: string; blocks?: Blocks; threadTs?: string }): Promise<PostedMessage>;
  updateMessage(channel: string, ts: string, message: { text: string; blocks?: Blocks }): Promise<void>;
  postEphemeral(channel: string, userId: string, message: { text: string; blocks?: Blocks }): Promise<void>;
  openView(triggerId: string, view: View): Promise<{ viewId: string }>;
  updateView(viewId: string, view: View, hash?: string): Promise<void>;
  publishHome(userId: string, view: View): Promise<void>;
  userProfile(userId: string): Promise<SlackProfile>;
  /** The workspace's people (no bots, no deactivated accounts) with their email when Slack gives it (users:read.email). */
  members(): Promise<{ id: string; teamId: string; email: string | null }[]>;
  fileInfo(fileId: string): Promise<SlackFileInfo>;
  /** Streams a private file's bytes to `destination`, a new file made 0600 (never an existing one); returns the byte count. */
  downloadFile(url: string, destination: string, maxBytes: number): Promise<number>;
  /** Uploads `bytes`, or the file at `path` (a large export written to a private temp file); resolves with its id (null if Slack did not say). */
  uploadFile(
    channel: string,
    file: { filename: string; bytes?: Buffer; path?: string; title?: string; initialComment?: string; threadTs?: string },
  ): Promise<{ fileId: string | null }>;
  /** chat.delete of one of the app's own messages. */
  deleteMessage(channel: string, ts: string): Promise<void>;
  /** files.delete of a file the app uploaded. */
  deleteFile(fileId: string): Promise<void>;
  /** Posts an ephemeral message to a response_url kept from an earlier action (it lasts 30 minutes), replacing that message when `replace`. */
  respond(responseUrl: string, message: { text: string; blocks?: Blocks }, replace: boolean): Promise<void>;
}
