// The Node API (`import { connect } from 'pm'`): re-exports only. docs/api.md describes it.

export type { AppSpec } from '../protocol/app-spec.js';
export type { ErrorCode } from '../protocol/errors.js';
export { PmError } from '../protocol/errors.js';
export type { PmEvent, PmEventType, Severity } from '../protocol/events.js';
export type { LogLine, LogStream } from '../protocol/log-line.js';
export type { AppDetails, PoolBounds } from '../protocol/messages.js';
export type {
  ExitInfo,
  Health,
  ProcessInfo,
  ProcessStatus,
  RestartRecord,
} from '../protocol/process-info.js';
export type { Target } from '../protocol/target.js';
export type { AppDefinition, ConfigStartOptions } from './app-definition.js';
export { type ConnectOptions, connect } from './connect.js';
export type {
  EventsOptions,
  LogsOptions,
  PmClient,
  ReloadOptions,
  ScaleCount,
  StartResult,
} from './pm-client.js';
export type { TargetInput } from './target-input.js';
