// The errors Lambda's Invoke REST API answers with, in the shapes seen from the real service. The
// error's name travels in the `x-amzn-ErrorType` header (the SDK's REST-JSON protocol reads it from
// there); the body carries `Type` ("User" or "Service") and a message whose key's case varies by
// error, as AWS's own does.

/** Invoke's RequestResponse request limit: "Request must be smaller than 6291456 bytes". */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Event invocations: 1 MB since Oct 2025 (API_Invoke: "For asynchronous invocations, the maximum payload size is 1 MB"). */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

export class LambdaServiceError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    const message = body.Message ?? body.message;
    super(typeof message === 'string' ? message : type);
    this.name = type;
  }
}

/**
 * 404, `{"Message":"Function not found: arn:…","Type":"User"}` with a capital M: the body AWS sent in
 * aarondfrancis/sidecar#23 (`…function:NAME:active` for a qualified name), and the text in
 * `Function not found: arn:aws:lambda:eu-central-1:…:function:…` reports (lambda-error handling catalogue).
 */
export function functionNotFound(arn: string): LambdaServiceError {
  return resourceNotFound(`Function not found: ${arn}`);
}

export function resourceNotFound(message: string): LambdaServiceError {
  return new LambdaServiceError('ResourceNotFoundException', 404, { Message: message, Type: 'User' });
}

/**
 * An ARN naming another region. AWS answers ResourceNotFoundException; this text is LocalStack's
 * (localstack api_utils.get_name_and_qualifier), which it snapshot-tests against AWS.
 */
export function otherRegion(arnRegion: string, region: string): LambdaServiceError {
  return resourceNotFound(`Functions from '${arnRegion}' are not reachable in this region ('${region}')`);
}

/**
 * 429. The body is the one Lambda sends for a throttled invoke: `Reason` + lower-case `message`
 * (`{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}` in fyoorer/ShadowClone#46;
 * "Rate Exceeded." is the text of a concurrency throttle, remotion-dev/remotion#2762). No `Retry-After`
 * header: the SDK would then wait at least that many seconds before retrying.
 */
export function tooManyRequests(message = 'Rate Exceeded.'): LambdaServiceError {
  return new LambdaServiceError('TooManyRequestsException', 429, {
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    Type: 'User',
    message,
  });
}

/** 500, "The Lambda service encountered an internal error" (API_Invoke); modelled with `Type` and `Message`. */
export function serviceException(message: string): LambdaServiceError {
  return new LambdaServiceError('ServiceException', 500, { Type: 'Service', Message: message });
}

/**
 * 413. The API reference names `RequestTooLargeException`, but the wire says
 * `RequestEntityTooLargeException` ("Status Code: 413; Error Code: RequestEntityTooLargeException" in
 * awslabs/aws-athena-query-federation#793; botocore and aws-sdk-js reports alike), so the SDK throws an
 * error named `RequestEntityTooLargeException`. Texts: "Request must be smaller than 6291456 bytes for
 * the InvokeFunction operation" (pelmers/streetwarp-web#14, 2024) and "264496 byte payload is too large
 * for the Event invocation type (limit 262144 bytes)" (ASFHyP3/hyp3#2241; the limit is now 1048576).
 */
export function requestTooLarge(
  invocationType: 'RequestResponse' | 'Event',
  size: number,
): LambdaServiceError {
  const message =
    invocationType === 'Event'
      ? `${size} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`
      : `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`;
  return new LambdaServiceError('RequestEntityTooLargeException', 413, { Type: 'User', message });
}

/**
 * 400, "Could not parse request body into json: Could not parse payload into json: Unrecognized
 * token …" (awsdocs/aws-lambda-developer-guide#382). AWS's tail is Jackson's parser message; ours is
 * the message of Node's JSON.parse.
 */
export function invalidRequestContent(detail: string): LambdaServiceError {
  return new LambdaServiceError('InvalidRequestContentException', 400, {
    Type: 'User',
    message: `Could not parse request body into json: Could not parse payload into json: ${detail}`,
  });
}

export function invalidParameterValue(message: string): LambdaServiceError {
  return new LambdaServiceError('InvalidParameterValueException', 400, { Type: 'User', message });
}

/** The wording of AWS's request validation ("1 validation error detected: Value … at '…' failed to satisfy constraint: …"). */
export function validationError(value: string, member: string, constraint: string): LambdaServiceError {
  return new LambdaServiceError('ValidationException', 400, {
    message: `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  });
}

/** 403 for an unsigned request to lambda.*.amazonaws.com (brefphp/bref#1250: "HTTP 403 … Missing Authentication Token … MissingAuthenticationTokenException"). */
export function missingAuthenticationToken(): LambdaServiceError {
  return new LambdaServiceError('MissingAuthenticationTokenException', 403, {
    message: 'Missing Authentication Token',
  });
}

/** 403 for an Authorization header that is not a complete SigV4 one (texts as in aws/chalice#828). */
export function incompleteSignature(problems: string[], authorization: string): LambdaServiceError {
  return new LambdaServiceError('IncompleteSignatureException', 403, {
    message: `${problems.join(' ')} Authorization=${authorization}`,
  });
}

export function unknownOperation(): LambdaServiceError {
  return new LambdaServiceError('UnknownOperationException', 404, { message: 'Unknown operation' });
}
