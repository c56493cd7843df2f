// The pieces of the client that need no network: K-Series' three error body styles,
// Retry-After in both formats, and the backoff curve.
import { describe, expect, it } from 'vitest';
import {
  KSeriesApiError,
  isReferenceAlreadyUsed,
  parseUpstreamError,
} from '../../src/integrations/lightspeed/client/index.js';
import { backoffDelay, parseRetryAfter } from '../../src/integrations/lightspeed/client/transport.js';

describe('parseUpstreamError', () => {
  it('reads the Spring style with field errors', () => {
    const body = JSON.stringify({
      timestamp: '2023-11-07T23:00:20.075+0000',
      status: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      errors: [{ field: 'thirdPartyReference', defaultMessage: 'size must be between 1 and 48' }],
      path: '/o/op/1/order/local',
    });
    expect(parseUpstreamError(400, body)).toEqual({
      message: 'Validation failed',
      fields: [{ field: 'thirdPartyReference', message: 'size must be between 1 and 48' }],
    });
  });

  it('reads the Order API {status:"fail", msg} style', () => {
    expect(parseUpstreamError(409, '{"status":"fail","msg":"reference has already been used 123"}').message).toBe(
      'reference has already been used 123',
    );
  });

  it('reads the {message, apiSubExceptions} style', () => {
    const parsed = parseUpstreamError(
      404,
      JSON.stringify({
        status: '404',
        message: 'Item not found',
        apiSubExceptions: [{ field: 'id', rejectedValue: '9', message: 'unknown id' }],
      }),
    );
    expect(parsed).toEqual({ message: 'Item not found', fields: [{ field: 'id', message: 'unknown id' }] });
  });

  it('falls back to field messages, plain text, and finally the status', () => {
    expect(parseUpstreamError(400, '{"errors":[{"field":"sku","defaultMessage":"must not be blank"}]}').message).toBe(
      'sku: must not be blank',
    );
    expect(parseUpstreamError(502, 'upstream connect error').message).toBe('upstream connect error');
    expect(parseUpstreamError(502, '<html><body>Bad gateway</body></html>').message).toBe(
      'HTTP 502 without an error message',
    );
  });
});

describe('isReferenceAlreadyUsed', () => {
  const err = (status: number, message: string) =>
    new KSeriesApiError({
      kind: 'http',
      endpoint: 'POST /o/op/1/pay',
      status,
      upstreamMessage: message,
      retryable: false,
    });

  it('recognises the 409 of orders and the 400 of payments', () => {
    expect(isReferenceAlreadyUsed(err(409, 'reference has already been used 123'))).toBe(true);
    expect(isReferenceAlreadyUsed(err(400, 'Reference has already been used 12345678901234'))).toBe(true);
  });

  it('does not confuse other errors with it', () => {
    expect(isReferenceAlreadyUsed(err(400, 'paymentAmount must be positive'))).toBe(false);
    expect(isReferenceAlreadyUsed(err(500, 'reference has already been used'))).toBe(false);
    expect(isReferenceAlreadyUsed(new Error('reference has already been used'))).toBe(false);
  });
});

describe('retry timing', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('grows exponentially up to the cap, with jitter in the upper half', () => {
    expect(backoffDelay(0, 200, 5000, () => 0)).toBe(100);
    expect(backoffDelay(0, 200, 5000, () => 1)).toBe(200);
    expect(backoffDelay(3, 200, 5000, () => 0)).toBe(800);
    expect(backoffDelay(10, 200, 5000, () => 1)).toBe(5000);
  });
});
