import * as z from 'zod/mini';
import {
  DEFAULT_API_VERSION,
  DEFAULT_API_BUDGET_PERCENT,
  DEFAULT_BULK_THRESHOLD,
  DEFAULT_COLLECTIONS_CONCURRENCY,
  DEFAULT_LOGIN_MAX_ATTEMPTS,
  DEFAULT_LOGIN_TIMEOUT_MS,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_REFRESH_MARGIN_SECONDS,
  DEFAULT_SECRET_MAX_AGE_SECONDS,
  DEFAULT_SESSION_TTL_SECONDS,
} from './constants.js';
import { ConfigurationError, invalidConfiguration } from './errors.js';
import { parseS3Prefix, s3PrefixProblem, type S3Location } from './s3-location.js';
import { SALESFORCE_API_NAME, SALESFORCE_API_VERSION } from './salesforce-names.js';
import { schemaProblems, type FieldProblem } from './schema-issues.js';
import { parseSourceLocation, SOURCE_URL_FORMS } from './source-location.js';

/**
 * The environment variables this package reads, validated once at cold start.
 * README.md's configuration table documents the same list.
 */
export interface BridgeEnv {
  /** `SALESFORCE_SECRET_ID`: name or ARN of the credentials secret. */
  secretId: string | undefined;
  /** `SALESFORCE_SECRET_MAX_AGE` (seconds, default 300). */
  secretMaxAgeSeconds: number;
  /** `SALESFORCE_SESSION_TTL_SECONDS` (default 7200): the org's session timeout. */
  sessionTtlSeconds: number;
  /** `SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS` (default 300). */
  refreshMarginSeconds: number;
  /** `SALESFORCE_LOGIN_TIMEOUT_MS` (default 10000). */
  loginTimeoutMs: number;
  /** `SALESFORCE_LOGIN_MAX_ATTEMPTS` (default 3) for transient failures. */
  loginMaxAttempts: number;
  /** Fallbacks for a secret that is a bare PEM: `SALESFORCE_LOGIN_URL`, `SALESFORCE_CLIENT_ID`, `SALESFORCE_USERNAME`, `SALESFORCE_AUDIENCE`. */
  loginUrl: string | undefined;
  clientId: string | undefined;
  username: string | undefined;
  audience: string | undefined;
}

// Schemas are built by functions, when a reader runs: a zod schema built at module level is a call
// that a bundler must keep, so a caller that only reads its own two settings (readClientEnv, which
// needs no schema) would carry every schema here, and zod with them.
const optionalText = () => z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty')));
const integer = (min: number, max: number) =>
  z.coerce
    .number()
    .check(
      z.int('must be a whole number'),
      z.gte(min, `must be at least ${min}`),
      z.lte(max, `must be at most ${max}`),
    );

const envSchema = () =>
  z.object({
    SALESFORCE_SECRET_ID: optionalText(),
    SALESFORCE_SECRET_MAX_AGE: z._default(integer(0, 86_400), DEFAULT_SECRET_MAX_AGE_SECONDS),
    SALESFORCE_SESSION_TTL_SECONDS: z._default(integer(60, 86_400), DEFAULT_SESSION_TTL_SECONDS),
    SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: z._default(integer(0, 3_600), DEFAULT_REFRESH_MARGIN_SECONDS),
    SALESFORCE_LOGIN_TIMEOUT_MS: z._default(integer(100, 120_000), DEFAULT_LOGIN_TIMEOUT_MS),
    SALESFORCE_LOGIN_MAX_ATTEMPTS: z._default(integer(1, 10), DEFAULT_LOGIN_MAX_ATTEMPTS),
    SALESFORCE_LOGIN_URL: optionalText(),
    SALESFORCE_CLIENT_ID: optionalText(),
    SALESFORCE_USERNAME: optionalText(),
    SALESFORCE_AUDIENCE: optionalText(),
  });

/** Reads and validates the environment; an empty string counts as unset. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): BridgeEnv {
  const e = parseEnv(envSchema(), env);
  if (e.SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS >= e.SALESFORCE_SESSION_TTL_SECONDS) {
    throw invalidEnvironment([
      {
        field: 'SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS',
        problem: 'must be smaller than SALESFORCE_SESSION_TTL_SECONDS',
      },
    ]);
  }
  return {
    secretId: e.SALESFORCE_SECRET_ID,
    secretMaxAgeSeconds: e.SALESFORCE_SECRET_MAX_AGE,
    sessionTtlSeconds: e.SALESFORCE_SESSION_TTL_SECONDS,
    refreshMarginSeconds: e.SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS,
    loginTimeoutMs: e.SALESFORCE_LOGIN_TIMEOUT_MS,
    loginMaxAttempts: e.SALESFORCE_LOGIN_MAX_ATTEMPTS,
    loginUrl: e.SALESFORCE_LOGIN_URL,
    clientId: e.SALESFORCE_CLIENT_ID,
    username: e.SALESFORCE_USERNAME,
    audience: e.SALESFORCE_AUDIENCE,
  };
}

/** Settings of the sync functions (README's configuration table lists them). */
export interface SyncEnv {
  /** `SALESFORCE_API_VERSION` (default 66.0). */
  apiVersion: string;
  /** `TOKEN_VENDOR_FUNCTION`: when set, tokens come from the vendor Lambda, not the secret. */
  tokenVendorFunction: string | undefined;
  /** `SYNC_SOBJECT` and `SYNC_EXTERNAL_ID_FIELD`: defaults for messages, the target of scheduled sync. */
  sobject: string | undefined;
  externalIdField: string | undefined;
  /** `SYNC_BULK_THRESHOLD` (default 2000): more records than this use Bulk API 2.0. */
  bulkThreshold: number;
  /** `SYNC_COLLECTIONS_CONCURRENCY` (default 3): Collections calls in flight at once. */
  collectionsConcurrency: number;
  /**
   * `SALESFORCE_API_BUDGET_PERCENT` (default 90): no writes are sent once the org has used this
   * share of its daily API allocation.
   */
  apiBudgetPercent: number;
  /**
   * `SYNC_SOURCE_URL`: the scheduled sync's source, `s3://bucket/key`, `s3://bucket/prefix/`
   * (every object under it, in key order) or `https://…` (http only for loopback hosts).
   */
  sourceUrl: string | undefined;
  /** `SYNC_SOURCE_FORMAT`: `ndjson`, `json` or `csv`; default: from the name's extension or Content-Type. */
  sourceFormat: SourceFormat | undefined;
  /** `SYNC_MAX_SOURCE_BYTES` (default 1 GiB): source bytes read, as sent and after decompression. */
  maxSourceBytes: number;
  /** `SYNC_MAX_RECORD_BYTES` (default 2 MiB): bytes of one NDJSON line, JSON array element or CSV row. */
  maxRecordBytes: number;
  /** `SYNC_DRY_RUN` (default false): validate and report, write nothing. */
  dryRun: boolean;
  /**
   * `SYNC_REPORT_URL`: `s3://bucket/prefix/` under which each scheduled run writes its failure
   * report, summary and the state of Bulk jobs left running. Default: none (the summary only).
   */
  reportTo: S3Location | undefined;
}

/** The formats a sync source may have (`SYNC_SOURCE_FORMAT`). */
export const SOURCE_FORMATS = ['ndjson', 'json', 'csv'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

const API_VERSION_PROBLEM = 'must look like 66.0';

const apiName = () =>
  z.optional(z.string().check(z.regex(SALESFORCE_API_NAME, 'must be a Salesforce API name')));

const syncSchema = () =>
  z.object({
    SALESFORCE_API_VERSION: z._default(
      z.string().check(z.regex(SALESFORCE_API_VERSION, API_VERSION_PROBLEM)),
      DEFAULT_API_VERSION,
    ),
    TOKEN_VENDOR_FUNCTION: optionalText(),
    SYNC_SOBJECT: apiName(),
    SYNC_EXTERNAL_ID_FIELD: apiName(),
    SYNC_BULK_THRESHOLD: z._default(integer(1, 10_000_000), DEFAULT_BULK_THRESHOLD),
    SYNC_COLLECTIONS_CONCURRENCY: z._default(integer(1, 10), DEFAULT_COLLECTIONS_CONCURRENCY),
    SALESFORCE_API_BUDGET_PERCENT: z._default(integer(1, 100), DEFAULT_API_BUDGET_PERCENT),
    // The scheme here; the rest (http only to loopback, a valid bucket) in readSyncEnv, whose code
    // only the sync functions' bundles carry.
    SYNC_SOURCE_URL: z.optional(z.url({ protocol: /^(https?|s3)$/, error: `must be ${SOURCE_URL_FORMS}` })),
    SYNC_SOURCE_FORMAT: z.optional(z.enum(SOURCE_FORMATS, { error: 'must be ndjson, json or csv' })),
    SYNC_MAX_SOURCE_BYTES: z._default(integer(1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_SOURCE_BYTES),
    SYNC_MAX_RECORD_BYTES: z._default(integer(1_024, 256 * 1024 ** 2), DEFAULT_MAX_RECORD_BYTES),
    SYNC_DRY_RUN: z._default(
      z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }),
      'false',
    ),
    SYNC_REPORT_URL: z.optional(
      z.string().check(
        z.superRefine((url, ctx) => {
          const problem = s3PrefixProblem(url);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: url });
        }),
      ),
    ),
  });

/** Reads and validates the sync functions' settings. */
export function readSyncEnv(env: NodeJS.ProcessEnv = process.env): SyncEnv {
  const e = parseEnv(syncSchema(), env);
  const source = e.SYNC_SOURCE_URL === undefined ? undefined : parseSourceLocation(e.SYNC_SOURCE_URL);
  if (source && 'problem' in source) {
    throw invalidEnvironment([{ field: 'SYNC_SOURCE_URL', problem: source.problem }]);
  }
  return {
    apiVersion: e.SALESFORCE_API_VERSION,
    tokenVendorFunction: e.TOKEN_VENDOR_FUNCTION,
    sobject: e.SYNC_SOBJECT,
    externalIdField: e.SYNC_EXTERNAL_ID_FIELD,
    bulkThreshold: e.SYNC_BULK_THRESHOLD,
    collectionsConcurrency: e.SYNC_COLLECTIONS_CONCURRENCY,
    apiBudgetPercent: e.SALESFORCE_API_BUDGET_PERCENT,
    sourceUrl: e.SYNC_SOURCE_URL,
    sourceFormat: e.SYNC_SOURCE_FORMAT,
    maxSourceBytes: e.SYNC_MAX_SOURCE_BYTES,
    maxRecordBytes: e.SYNC_MAX_RECORD_BYTES,
    dryRun: e.SYNC_DRY_RUN === 'true' || e.SYNC_DRY_RUN === '1',
    reportTo:
      e.SYNC_REPORT_URL === undefined ? undefined : parseS3Prefix(e.SYNC_REPORT_URL, 'SYNC_REPORT_URL'),
  };
}

/** Settings of a caller's `SalesforceClient` (README's configuration table lists them). */
export interface ClientEnv {
  /** `SALESFORCE_API_VERSION` (default 66.0). */
  apiVersion: string;
  /** `TOKEN_VENDOR_FUNCTION`: name or ARN of the token vendor the client asks for tokens. */
  tokenVendorFunction: string | undefined;
}

/**
 * Reads and validates the settings of a caller's `SalesforceClient`; nothing else is read. Two
 * settings, checked by hand: no schema (and no zod) in a caller's bundle.
 */
export function readClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  const apiVersion = setting(env, 'SALESFORCE_API_VERSION') ?? DEFAULT_API_VERSION;
  if (!SALESFORCE_API_VERSION.test(apiVersion)) {
    throw invalidEnvironment([{ field: 'SALESFORCE_API_VERSION', problem: API_VERSION_PROBLEM }]);
  }
  return { apiVersion, tokenVendorFunction: setting(env, 'TOKEN_VENDOR_FUNCTION')?.trim() };
}

/** The scheduled sync's settings: its source and target are required. */
export interface ScheduledSyncEnv extends SyncEnv {
  sourceUrl: string;
  sobject: string;
  externalIdField: string;
}

/**
 * Reads the sync settings and checks that the scheduled sync's source and target are set, so a
 * misconfigured function fails at cold start rather than on its first schedule.
 */
export function readScheduledSyncEnv(env: NodeJS.ProcessEnv = process.env): ScheduledSyncEnv {
  const e = readSyncEnv(env);
  const { sourceUrl, sobject, externalIdField } = e;
  if (!sourceUrl || !sobject || !externalIdField) {
    const unset = {
      SYNC_SOURCE_URL: sourceUrl,
      SYNC_SOBJECT: sobject,
      SYNC_EXTERNAL_ID_FIELD: externalIdField,
    };
    const problems = Object.entries(unset)
      .filter(([, value]) => value === undefined)
      .map(([field]) => ({ field, problem: 'is required for the scheduled sync' }));
    throw new ConfigurationError(
      'scheduled sync needs SYNC_SOURCE_URL, SYNC_SOBJECT and SYNC_EXTERNAL_ID_FIELD',
      { problems },
    );
  }
  return { ...e, sourceUrl, sobject, externalIdField };
}

/** What the S3 client of a sync source needs to know from the environment. */
export interface S3SourceEnv {
  /**
   * Path-style addressing (`http://host/bucket/key`), when `AWS_ENDPOINT_URL_S3` points the SDK
   * at another endpoint (the local S3 server, an S3-compatible store): virtual-hosted bucket
   * names need DNS that a local endpoint does not have. The SDK reads the endpoint itself.
   */
  forcePathStyle: boolean;
}

/** Reads the S3 settings of a sync source; an empty string counts as unset. */
export function readS3SourceEnv(env: NodeJS.ProcessEnv = process.env): S3SourceEnv {
  return { forcePathStyle: nonEmpty(env).AWS_ENDPOINT_URL_S3 !== undefined };
}

/**
 * Powertools' own settings, read here so that this module stays the one reader of the
 * environment: they override the service name and metrics namespace a function passes
 * (https://docs.powertools.aws.dev/lambda/typescript/latest/environment-variables/).
 */
export interface PowertoolsEnv {
  /** `POWERTOOLS_SERVICE_NAME`. */
  serviceName: string | undefined;
  /** `POWERTOOLS_METRICS_NAMESPACE`. */
  metricsNamespace: string | undefined;
}

/** Reads Powertools' service name and metrics namespace; an empty string counts as unset. */
export function readPowertoolsEnv(env: NodeJS.ProcessEnv = process.env): PowertoolsEnv {
  const e = nonEmpty(env);
  return { serviceName: e.POWERTOOLS_SERVICE_NAME, metricsNamespace: e.POWERTOOLS_METRICS_NAMESPACE };
}

/** One variable, or undefined when it is unset or blank. */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function nonEmpty(env: NodeJS.ProcessEnv): Partial<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== '',
    ),
  );
}

/** Parses the set variables, naming each bad one and the rule it breaks, never its value. */
function parseEnv<T>(schema: z.ZodMiniType<T>, env: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(nonEmpty(env));
  if (!parsed.success) throw invalidEnvironment(schemaProblems(parsed.error, { root: 'environment' }));
  return parsed.data;
}

function invalidEnvironment(problems: readonly FieldProblem[]): ConfigurationError {
  return invalidConfiguration('environment', problems);
}
