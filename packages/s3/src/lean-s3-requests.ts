// The lean request path for the hot writes (PutObject of an in-memory body, UploadPart): requests signed by the
// AWS SDK's own SigV4 signer (@smithy/signature-v4) and sent over one keep-alive agent per store, with the SDK
// client's credentials, endpoint rules and retry strategy, but without its middleware stack.

import * as http from "node:http";
import * as https from "node:https";
import type { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { exchange, type HttpAnswer, type HttpTarget, type HttpTimeouts } from "./http-exchange.js";
import { type NixRetryStrategy, retryErrorInfo } from "./nix-retry-strategy.js";
import { type BucketAddress, objectPath, resolveBucketAddress } from "./object-address.js";
import type { ObjectHeaders, ObjectWrites } from "./object-writes.js";
import { parseS3ErrorResponse, S3ErrorResponse } from "./s3-error-response.js";
import { encodeQuery } from "./uri-encoding.js";

export interface LeanRequestSettings {
  readonly client: S3Client;
  readonly bucket: string;
  /** The strategy the SDK client retries with (S3Connection.retryStrategy). */
  readonly retryStrategy: NixRetryStrategy;
  readonly timeouts: HttpTimeouts;
  /** Sockets the keep-alive agent may open at once. */
  readonly maxSockets: number;
}

interface Target {
  readonly address: BucketAddress;
  readonly http: HttpTarget;
  readonly signer: SignatureV4;
}

/** Over https the body is not hashed into the signature (TLS protects it), as the SDK's S3 client does. */
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const EXPIRED_CREDENTIAL_CODES = new Set(["ExpiredToken", "TokenRefreshRequired"]);

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

export class LeanS3Requests implements ObjectWrites {
  readonly #settings: LeanRequestSettings;
  #target: Promise<Target> | undefined;
  #agent: http.Agent | undefined;
  #clockOffsetMs = 0;

  constructor(settings: LeanRequestSettings) {
    this.#settings = settings;
  }

  /** PutObject of an in-memory body; answers the ETag S3 gave. Throws the raw cause (map with toTransportError). */
  async putObject(key: string, body: Uint8Array, headers: ObjectHeaders): Promise<string | undefined> {
    const answer = await this.#send("PUT", key, {}, headers, body);
    return etagHeader(answer);
  }

  /** UploadPart of one in-memory part; answers the part's ETag. */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string | undefined> {
    const answer = await this.#send("PUT", key, { partNumber: String(partNumber), uploadId }, undefined, body);
    return etagHeader(answer);
  }

  /** Closes the agent's sockets. */
  close(): void {
    this.#agent?.destroy();
  }

  async #send(
    method: string,
    key: string,
    query: Record<string, string>,
    objectHeaders: ObjectHeaders | undefined,
    body: Uint8Array,
  ): Promise<HttpAnswer> {
    const { address, http: target, signer } = await this.#resolveTarget();
    const path = objectPath(address, key);
    const queryString = encodeQuery(query);
    const headers: Record<string, string> = { host: address.host, "content-length": String(body.byteLength) };
    // Over http the signer hashes the body into x-amz-content-sha256 itself.
    if (address.protocol === "https:") headers["x-amz-content-sha256"] = UNSIGNED_PAYLOAD;
    if (objectHeaders !== undefined) {
      headers["content-type"] = objectHeaders.contentType;
      if (objectHeaders.contentEncoding !== undefined) headers["content-encoding"] = objectHeaders.contentEncoding;
      if (objectHeaders.storageClass !== undefined) headers["x-amz-storage-class"] = objectHeaders.storageClass;
    }
    const request = {
      method,
      protocol: address.protocol,
      hostname: address.hostname,
      ...(address.port === undefined ? {} : { port: address.port }),
      path,
      query,
      headers,
      body,
    };
    const requestPath = queryString === "" ? path : `${path}?${queryString}`;
    const strategy = this.#settings.retryStrategy;
    let token = await strategy.acquireInitialRetryToken(address.host);
    let refreshedCredentials = false;
    for (;;) {
      let failure: unknown;
      let retryAfter: string | undefined;
      try {
        const signed = await signer.sign(request, { signingDate: new Date(Date.now() + this.#clockOffsetMs) });
        const answer = await exchange(target, method, requestPath, signed.headers, body, this.#settings.timeouts);
        if (answer.status < 300) {
          strategy.recordSuccess(token);
          return answer;
        }
        const refused = parseS3ErrorResponse(
          answer.status,
          answer.body,
          headerText(answer.headers["x-amz-request-id"]),
        );
        this.#noteServerClock(refused, answer);
        retryAfter = headerText(answer.headers["retry-after"]);
        failure = refused;
      } catch (error) {
        failure = error;
      }
      // Expired session credentials: fetched again from the SDK's provider, once, without using up an attempt.
      if (failure instanceof S3ErrorResponse && EXPIRED_CREDENTIAL_CODES.has(failure.Code) && !refreshedCredentials) {
        refreshedCredentials = true;
        await this.#settings.client.config.credentials({ forceRefresh: true });
        continue;
      }
      token = await strategy.refreshRetryTokenForRetry(token, retryErrorInfo(failure, retryAfter));
      await sleep(token.getRetryDelay());
    }
  }

  /** After RequestTimeTooSkewed, later requests are signed with the server's clock (the strategy retries at once). */
  #noteServerClock(failure: S3ErrorResponse, answer: HttpAnswer): void {
    if (failure.Code !== "RequestTimeTooSkewed" && failure.Code !== "RequestExpired") return;
    const serverTime = Date.parse(headerText(answer.headers.date) ?? "");
    if (!Number.isNaN(serverTime)) this.#clockOffsetMs = serverTime - Date.now();
  }

  #resolveTarget(): Promise<Target> {
    if (this.#target !== undefined) return this.#target;
    const { client, bucket, maxSockets } = this.#settings;
    const target = resolveBucketAddress(client, bucket).then((address) => {
      const options = { keepAlive: true, maxSockets };
      const agent = address.protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
      this.#agent = agent;
      // The client's credential provider is memoized by the SDK and fetched again within 5 minutes of expiry.
      const signer = new SignatureV4({
        service: "s3",
        region: address.signingRegion,
        credentials: client.config.credentials,
        sha256: client.config.sha256,
        uriEscapePath: false,
        applyChecksum: true,
      });
      return {
        address,
        http: { protocol: address.protocol, hostname: address.hostname, port: address.port, agent },
        signer,
      };
    });
    // A failed resolution (e.g. an endpoint the rules refuse) is tried again by the next request.
    target.catch(() => {
      if (this.#target === target) this.#target = undefined;
    });
    this.#target = target;
    return target;
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function etagHeader(answer: HttpAnswer): string | undefined {
  const etag = headerText(answer.headers.etag);
  return etag === undefined || etag === "" ? undefined : etag;
}
