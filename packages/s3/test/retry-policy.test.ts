// Unit tests of the retry rules both request paths share: which failures retry, Nix 2.35's backoff formula with
// full jitter and Retry-After, and how retry-* settings resolve against the global (nix.conf) values.

import { describe, expect, it } from "vitest";
import { parseStoreUrl, type S3StoreUrl } from "@narwhal/store-url";
import { parseRetryAfter, retryDelayMs, retryKind, retryKindOf, retrySettingsFor } from "../src/index.js";
import { NixRetryStrategy, retryErrorInfo } from "../src/nix-retry-strategy.js";
import { S3ErrorResponse } from "../src/s3-error-response.js";

const s3 = (query = ""): S3StoreUrl => parseStoreUrl(`s3://my-bucket${query}`) as S3StoreUrl;

describe("retrySettingsFor", () => {
  it("uses Nix 2.35's filetransfer-retry-* defaults when the URL sets nothing", () => {
    expect(retrySettingsFor(s3())).toEqual({
      attempts: 5,
      delayMs: 100,
      delayRateLimitedMs: 5000,
      maxDelayMs: 60000,
      jitter: true,
    });
  });

  it("lets the URL's retry-* win over the global values, an explicit 0 included", () => {
    const settings = retrySettingsFor(s3("?retry-attempts=0&retry-delay=7&retry-max-delay=0"), {
      attempts: 9,
      delayMs: 1,
      maxDelayMs: 5,
      delayRateLimitedMs: 42,
    });
    expect(settings).toEqual({ attempts: 0, delayMs: 7, delayRateLimitedMs: 42, maxDelayMs: 0, jitter: true });
  });
});

describe("retryKindOf (Nix: transient = network, 408, 429, 5xx but 501/505/511; 429 and 503 rate-limited)", () => {
  it.each([
    [503, "SlowDown", "throttled"],
    [503, undefined, "throttled"],
    [429, undefined, "throttled"],
    [500, "InternalError", "transient"],
    [502, undefined, "transient"],
    [408, undefined, "transient"],
    [501, "NotImplemented", undefined],
    [505, undefined, undefined],
    [511, undefined, undefined],
    [403, "AccessDenied", undefined],
    [404, "NoSuchKey", undefined],
    [400, "RequestTimeTooSkewed", "clock-skew"],
  ] as const)("%s %s -> %s", (status, code, kind) => {
    expect(retryKindOf(status, code)).toBe(kind);
  });
});

describe("retryDelayMs (Nix's computeRetryDelayMs)", () => {
  const fixed = { attempts: 5, delayMs: 100, delayRateLimitedMs: 5000, maxDelayMs: 60000, jitter: false };

  it("doubles the base per attempt up to the ceiling, rate-limited base for throttling", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(fixed, "transient", attempt))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 4, 5].map((attempt) => retryDelayMs(fixed, "throttled", attempt))).toEqual([
      5000, 10000, 40000, 60000,
    ]);
    expect(retryDelayMs(fixed, "transient", 40)).toBe(60000);
  });

  it("treats Retry-After as a floor the ceiling does not cap", () => {
    expect(retryDelayMs(fixed, "throttled", 1, 120_000)).toBe(120_000);
    expect(retryDelayMs(fixed, "transient", 1, 50)).toBe(100);
  });

  it("with jitter waits floor + random(0..backoff)", () => {
    const jittered = { ...fixed, jitter: true };
    expect(retryDelayMs(jittered, "transient", 3, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(jittered, "transient", 3, undefined, () => 0.999999)).toBe(400);
    expect(retryDelayMs(jittered, "throttled", 1, 2000, () => 0.5)).toBe(2000 + 2500);
  });

  it("retries clock skew at once", () => {
    expect(retryDelayMs(fixed, "clock-skew", 3)).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP-dates", () => {
    const now = Date.parse("Sun, 06 Nov 1994 08:49:37 GMT");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("the one retry strategy (NixRetryStrategy), as the SDK client and the lean path both drive it", () => {
  const settings = { attempts: 3, delayMs: 100, delayRateLimitedMs: 5000, maxDelayMs: 60000, jitter: false };
  const answer = (status: number, code: string) => new S3ErrorResponse(status, code, code, undefined);
  const network = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

  it("classifies failures as the SDK's middleware would hand them over", () => {
    expect(retryErrorInfo(answer(503, "SlowDown"), undefined).errorType).toBe("THROTTLING");
    expect(retryErrorInfo(answer(500, "InternalError"), undefined).errorType).toBe("SERVER_ERROR");
    expect(retryErrorInfo(answer(403, "AccessDenied"), undefined).errorType).toBe("CLIENT_ERROR");
    expect(retryErrorInfo(network, undefined).errorType).toBe("TRANSIENT");
    const hinted = retryErrorInfo(answer(503, "SlowDown"), "7");
    expect(hinted.retryAfterHint!.getTime() - Date.now()).toBeGreaterThan(6000);
  });

  it("waits the Nix delays between attempts and throws the failure itself when it is final or attempts run out", async () => {
    const strategy = new NixRetryStrategy(settings);
    let token = await strategy.acquireInitialRetryToken("host");
    token = await strategy.refreshRetryTokenForRetry(token, retryErrorInfo(answer(500, "InternalError"), undefined));
    expect(token.getRetryDelay()).toBe(100);
    token = await strategy.refreshRetryTokenForRetry(token, retryErrorInfo(network, undefined));
    expect(token.getRetryDelay()).toBe(200);
    const third = answer(503, "SlowDown");
    await expect(strategy.refreshRetryTokenForRetry(token, retryErrorInfo(third, undefined))).rejects.toBe(third);
    const denied = answer(403, "AccessDenied");
    const fresh = await strategy.acquireInitialRetryToken("host");
    await expect(strategy.refreshRetryTokenForRetry(fresh, retryErrorInfo(denied, undefined))).rejects.toBe(denied);
  });

  it("treats the SDK's own service exceptions like the lean path's answers", () => {
    const sdkShaped = Object.assign(new Error("Please reduce your request rate."), {
      name: "SlowDown",
      $metadata: { httpStatusCode: 503 },
    });
    expect(retryKind(sdkShaped)).toBe("throttled");
    expect(retryKind(answer(503, "SlowDown"))).toBe("throttled");
    expect(retryKind(Object.assign(new Error("timed out"), { name: "TimeoutError" }))).toBe("transient");
    expect(retryKind(new TypeError("a bug"))).toBeUndefined();
  });
});
