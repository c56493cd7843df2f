// K-Series failures as our public errors: upstream trouble is 502/503/504 with K-Series' status
// and message in `details`; a missing scope is a 403 naming it; a lost connection is a 409.
import { AppError, BadRequestError, ConflictError, ForbiddenError, UpstreamError } from '../../../lib/errors.js';
import { ConnectionUnavailableError } from '../access-token-provider.js';
import { KSeriesApiError } from './errors.js';

export interface MappingOptions {
  /**
   * For writes the caller's data went to K-Series, so its 400/422 is the caller's problem (400).
   * For reads we built the request, so a 400 is an upstream failure (502).
   */
  write?: boolean;
}

export function kseriesErrorToAppError(err: unknown, options: MappingOptions = {}): unknown {
  if (err instanceof ConnectionUnavailableError) {
    return new ConflictError(
      'The vendor is not connected to Lightspeed (connect or reconnect first)',
      'VENDOR_NOT_CONNECTED',
      { reason: err.reason },
    );
  }
  if (!(err instanceof KSeriesApiError)) return err;
  const details = err.toJSON();
  switch (err.kind) {
    case 'missing_scope':
      return new ForbiddenError(
        `The Lightspeed connection was not granted the "${err.scope}" scope`,
        { scope: err.scope },
        'MISSING_SCOPE',
      );
    case 'invalid_request':
      return new BadRequestError(
        `Lightspeed would refuse this request: ${err.upstreamMessage}`,
        { fields: err.fields },
        'KSERIES_INVALID_REQUEST',
      );
    case 'rate_limited':
      return new UpstreamError(
        503,
        'KSERIES_BUSY',
        'Too many Lightspeed calls for this vendor right now; retry shortly',
        details,
      );
    case 'timeout':
      return new UpstreamError(504, 'KSERIES_TIMEOUT', 'Lightspeed did not answer in time', details);
    case 'network':
      return new UpstreamError(502, 'KSERIES_UNREACHABLE', 'Lightspeed could not be reached', details);
    case 'invalid_response':
      return new UpstreamError(
        502,
        'KSERIES_INVALID_RESPONSE',
        `Lightspeed returned an unexpected response: ${err.upstreamMessage}`,
        details,
      );
    case 'http':
      return httpError(err, details, options);
  }
}

function httpError(
  err: KSeriesApiError,
  details: ReturnType<KSeriesApiError['toJSON']>,
  options: MappingOptions,
): AppError {
  const status = err.status ?? 502;
  const upstream = `Lightspeed answered ${status}: ${err.upstreamMessage}`;
  if (status === 404) return new AppError(404, 'KSERIES_NOT_FOUND', upstream, details);
  // Typically a location mapped to a business location outside the connected business.
  if (status === 403) return new ForbiddenError(upstream, details, 'KSERIES_FORBIDDEN');
  if (options.write && (status === 400 || status === 409 || status === 422)) {
    return new AppError(status === 409 ? 409 : 400, 'KSERIES_REJECTED', upstream, details);
  }
  if (status === 429 || status === 503) return new UpstreamError(503, 'KSERIES_UNAVAILABLE', upstream, details);
  if (status === 504) return new UpstreamError(504, 'KSERIES_TIMEOUT', upstream, details);
  return new UpstreamError(502, 'KSERIES_ERROR', upstream, details);
}
