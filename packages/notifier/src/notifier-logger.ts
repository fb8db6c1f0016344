/** Where the notifier logs (the server's logger, or nothing): level, message, structured fields. */
export type NotifierLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  msg: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** Logs nothing. */
export const noopLogger: NotifierLogger = () => {};
