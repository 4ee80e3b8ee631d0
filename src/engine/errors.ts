/**
 * ReplyError and every Redis error text, defined once (redis: createSharedObjects).
 *
 * The first word of a message is Redis's error code (ERR, WRONGTYPE, EXECABORT, …).
 * Only `name` and `message` cross a worker boundary, so the code lives in the message
 * and `code` is derived from it.
 */
export class ReplyError extends Error {
  override name = 'ReplyError';

  constructor(message: string) {
    super(message);
  }

  /** The Redis error code: the message's first word. */
  get code(): string {
    const space = this.message.indexOf(' ');
    return space === -1 ? this.message : this.message.slice(0, space);
  }
}

export const Errors = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  offsetOutOfRange: 'ERR offset is out of range',
  decrementOverflow: 'ERR decrement would overflow',
  nanOrInfinity: 'ERR increment would produce NaN or Infinity',
  lcsNotStrings: 'ERR The specified keys must contain string values',
  lcsLenAndIdx: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooBig: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsNoMemory: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  sameObject: 'ERR source and destination objects are the same',
  invalidCursor: 'ERR invalid cursor',
  expireNxAndOthers: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtAndLt: 'ERR GT and LT options at the same time are not compatible',
  unsupportedOption: (option: string) => `ERR Unsupported option ${option}`,
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  nestedMulti: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  invalidExpire: (name: string) => `ERR invalid expire time in '${name}' command`,
  intOutOfRange: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  invalidClientName: 'ERR Client names cannot contain spaces, newlines or special characters.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  configSetFailed: (name: string, reason: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`,
  unknownSubcommand: (sub: string, container: string) =>
    `ERR unknown subcommand '${sub}'. Try ${container.toUpperCase()} HELP.`,
  // --- pub/sub (commands/pubsub.ts, pubsub.ts) ---
  subscribedOnly: (name: string) =>
    `Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  ssubscribeDenyBlocking: "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  subcommandSyntax: (sub: string, container: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${container.toUpperCase()} HELP.`,
  // --- sorted sets (commands/zset*.ts, parse-score.ts) ---
  minMaxNotFloat: 'ERR min or max is not a float',
  lexRangeItem: 'ERR min or max not valid string range item',
  scoreNaN: 'ERR resulting score is not a number (NaN)',
  zaddXxAndNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  weightNotFloat: 'ERR weight value is not a float',
  inputKeyNeeded: (name: string) => `ERR at least 1 input key is needed for '${name}' command`,
  numkeysPositive: 'ERR numkeys should be greater than 0',
  countPositive: 'ERR count should be greater than 0',
  limitNegative: "ERR LIMIT can't be negative",
  mustBePositive: 'ERR value is out of range, must be positive',
  valueOutOfRange: 'ERR value is out of range',
  int64OutOfRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  limitNeedsBy: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  withscoresWithBylex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  // --- hashes and sets (commands/hash.ts, set.ts, set-algebra.ts) ---
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  nanOrInfinityValue: 'ERR value is NaN or Infinity',
  keysMoreThanArgs: "ERR Number of keys can't be greater than number of args",
  replyTooLarge: 'ERR reply too large: more than 16777216 elements (an idb-redis limit)',
  // --- persistence (commands/persistence.ts, src/persistence) ---
  noStorage: 'ERR this engine has no storage to save to (createEngine({ storage }), or a client with persistence)',
  bgsaveInProgress: 'ERR Background save already in progress',
  bgsaveBusy:
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  rewriteInProgress: 'ERR Background append only file rewriting already in progress',
  readOnlyStore: "READONLY You can't write against a read only replica.",
  misconf: (reason: string) => `MISCONF Errors writing to the IndexedDB log: ${reason}`,
  saveFailed: (reason: string) => `ERR Error saving the snapshot: ${reason}`,
  // --- fencing (src/persistence/storage.ts): a stale leader's writes are refused ---
  fenced: (epoch: number, current: number) =>
    `READONLY idb-redis: this engine lost the store's leadership (epoch ${epoch} < ${current}); a newer leader writes it now`,
  // --- lists and blocking commands (commands/list*.ts, blocking.ts) ---
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  unblocked: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  unblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  connectionClosed: 'ERR Connection closed',
  connectionBlocked: 'ERR this connection waits on a blocking command: use an asynchronous call',
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  // --- SORT (commands/sort.ts) ---
  sortNotDouble: "ERR One or more scores can't be converted into double",
} as const;

/** Throw a reply error: the handler's way to answer with an error (redis: addReplyError). */
export function fail(message: string): never {
  throw new ReplyError(message);
}
