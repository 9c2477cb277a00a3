import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { S3BlobStore, S3TransportError } from "../src/index.js";

// A tiny local HTTP server with scripted answers: it tests the lean path's retry loop and headers, not S3.
interface Answer {
  readonly status: number;
  readonly body?: string;
}

const slowDown = {
  status: 503,
  body: '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};
const ok = { status: 200 };

async function scriptedServer(answers: Answer[]): Promise<{
  server: Server;
  url: string;
  requests: Array<{ path: string; headers: IncomingHttpHeaders; body: string }>;
}> {
  const requests: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on("data", (piece: Buffer) => pieces.push(piece));
    request.on("end", () => {
      requests.push({ path: request.url ?? "", headers: request.headers, body: Buffer.concat(pieces).toString() });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      response.writeHead(
        answer.status,
        answer.status === 200 ? { ETag: '"0123456789abcdef0123456789abcdef"' } : { "Content-Type": "application/xml" },
      );
      response.end(answer.body ?? "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return { server, url: `s3://bucket?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}`, requests };
}

const FAST_RETRIES = { delayMs: 1, delayRateLimitedMs: 1 };
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "the-session-token" };
let running: Server | undefined;

afterEach(() => {
  running?.close();
  running = undefined;
});

describe("lean request path: retries and headers (local scripted server)", () => {
  it("retries a 503 SlowDown and then succeeds, resending the same signed body", async () => {
    const { server, url, requests } = await scriptedServer([slowDown, ok]);
    running = server;
    const store = S3BlobStore.fromUrl(url, { credentials, maxAttempts: 3, retryDefaults: FAST_RETRIES });
    try {
      const result = await store.put("dir/a b+c.narinfo", Buffer.from("hello"), { contentType: "text/x-nix-narinfo" });
      expect(result.etag).toBe('"0123456789abcdef0123456789abcdef"');
      expect(requests).toHaveLength(2);
      expect(requests.map((request) => request.body)).toEqual(["hello", "hello"]);
      expect(requests[1]!.path).toBe("/bucket/dir/a%20b%2Bc.narinfo");
      expect(requests[1]!.headers["content-type"]).toBe("text/x-nix-narinfo");
      expect(requests[1]!.headers["x-amz-content-sha256"]).toBe(
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
      );
    } finally {
      store.close();
    }
  });

  it("retries when the connection is dropped without an answer", async () => {
    let seen = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        seen += 1;
        if (seen === 1) request.socket.destroy();
        else response.writeHead(200, { ETag: '"etag"' }).end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    running = server;
    const port = (server.address() as AddressInfo).port;
    const store = S3BlobStore.fromUrl(`s3://bucket?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}`, {
      credentials,
      maxAttempts: 2,
      retryDefaults: FAST_RETRIES,
    });
    try {
      expect((await store.put("k", Buffer.from("x"), { contentType: "text/plain" })).etag).toBe('"etag"');
      expect(seen).toBe(2);
    } finally {
      store.close();
    }
  });

  it("sends the session token of session credentials and signs it", async () => {
    const { server, url, requests } = await scriptedServer([ok]);
    running = server;
    const store = S3BlobStore.fromUrl(url, { credentials });
    try {
      await store.put("x", Buffer.from("x"), { contentType: "text/plain" });
      expect(requests[0]!.headers["x-amz-security-token"]).toBe("the-session-token");
      expect(requests[0]!.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[^ ]*x-amz-security-token,/,
      );
    } finally {
      store.close();
    }
  });

  it("gives up after maxAttempts with THROTTLED, and does not retry a 403", async () => {
    const throttled = await scriptedServer([slowDown]);
    running = throttled.server;
    const store = S3BlobStore.fromUrl(throttled.url, { credentials, maxAttempts: 2, retryDefaults: FAST_RETRIES });
    try {
      const error = await store.put("k", Buffer.from("x"), { contentType: "text/plain" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3TransportError);
      expect((error as S3TransportError).code).toBe("THROTTLED");
      expect((error as S3TransportError).message).toBe(
        "put s3://bucket/k failed: still throttled after retries (SlowDown)",
      );
      expect(throttled.requests).toHaveLength(2);
    } finally {
      store.close();
      throttled.server.close();
    }
    const denied = await scriptedServer([
      { status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" },
    ]);
    running = denied.server;
    const deniedStore = S3BlobStore.fromUrl(denied.url, { credentials, maxAttempts: 5, retryDefaults: FAST_RETRIES });
    try {
      const error = await deniedStore
        .put("k", Buffer.from("x"), { contentType: "text/plain" })
        .catch((e: unknown) => e);
      expect((error as S3TransportError).code).toBe("ACCESS_DENIED");
      expect(denied.requests).toHaveLength(1);
    } finally {
      deniedStore.close();
    }
  });
});

describe("retry-* settings (Nix 2.35) drive both request paths (local scripted server)", () => {
  const internal = {
    status: 500,
    body: '<?xml version="1.0"?><Error><Code>InternalError</Code><Message>oops</Message></Error>',
  };

  it.each([
    ["lean", {}],
    ["SDK", { leanRequests: false }],
  ] as const)(
    "%s path: retry-attempts=3 makes exactly 3 attempts, an explicit retry-attempts=0 makes one",
    async (_name, pathOptions) => {
      for (const [setting, expected] of [
        ["retry-attempts=3", 3],
        ["retry-attempts=0", 1],
        ["retry-attempts=1", 1],
      ] as const) {
        const scripted = await scriptedServer([internal]);
        running = scripted.server;
        // retry-delay=0: Nix's explicit 0 ms base, so the test waits for nothing.
        const store = S3BlobStore.fromUrl(`${scripted.url}&${setting}&retry-delay=0`, { credentials, ...pathOptions });
        try {
          const error = await store.put("k", Buffer.from("x"), { contentType: "text/plain" }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(S3TransportError);
          expect(scripted.requests).toHaveLength(expected);
        } finally {
          await store.close();
          scripted.server.close();
          running = undefined;
        }
      }
    },
  );

  it.each([
    ["lean", {}],
    ["SDK", { leanRequests: false }],
  ] as const)(
    "%s path: without retry-attempts the global default applies (Nix's 5), and 501 is never retried",
    async (_name, pathOptions) => {
      const scripted = await scriptedServer([internal]);
      running = scripted.server;
      const store = S3BlobStore.fromUrl(`${scripted.url}&retry-delay=0`, { credentials, ...pathOptions });
      try {
        await store.put("k", Buffer.from("x"), { contentType: "text/plain" }).catch(() => undefined);
        expect(scripted.requests).toHaveLength(5);
      } finally {
        await store.close();
        scripted.server.close();
      }
      const notImplemented = await scriptedServer([
        { status: 501, body: "<Error><Code>NotImplemented</Code><Message>no</Message></Error>" },
      ]);
      running = notImplemented.server;
      const second = S3BlobStore.fromUrl(`${notImplemented.url}&retry-delay=0`, { credentials, ...pathOptions });
      try {
        await second.put("k", Buffer.from("x"), { contentType: "text/plain" }).catch(() => undefined);
        expect(notImplemented.requests).toHaveLength(1);
      } finally {
        await second.close();
      }
    },
  );

  it("a 503 SlowDown uses retry-delay-rate-limited, not retry-delay", async () => {
    const scripted = await scriptedServer([slowDown]);
    running = scripted.server;
    // A huge retry-delay with a zero rate-limited delay: the retries only finish quickly if 503 uses the latter.
    const store = S3BlobStore.fromUrl(
      `${scripted.url}&retry-attempts=3&retry-delay=3600000&retry-delay-rate-limited=0`,
      { credentials },
    );
    try {
      const error = await store.put("k", Buffer.from("x"), { contentType: "text/plain" }).catch((e: unknown) => e);
      expect((error as S3TransportError).code).toBe("THROTTLED");
      expect(scripted.requests).toHaveLength(3);
    } finally {
      await store.close();
    }
  });
});
