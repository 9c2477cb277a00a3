// The lean request path for the hot writes (PutObject of an in-memory body, UploadPart): hand-signed SigV4 requests
// over one keep-alive agent per store, with the SDK client's own credentials, endpoint rules and attempt count.

import * as http from "node:http";
import * as https from "node:https";
import type { S3Client } from "@aws-sdk/client-s3";
import { exchange, type HttpAnswer, type HttpTarget, type HttpTimeouts } from "./http-exchange.js";
import { objectPath, resolveBucketAddress, type BucketAddress } from "./object-address.js";
import { mayRetry, parseRetryAfter, retryDelayMs, retryKind } from "./retry-policy.js";
import type { RetrySettings } from "./retry-settings.js";
import { parseS3ErrorResponse, S3ErrorResponse } from "./s3-error-response.js";
import { sha256Hex, SigV4Signer, UNSIGNED_PAYLOAD, type SigningCredentials } from "./sigv4.js";
import { canonicalQuery } from "./uri-encoding.js";

export interface LeanRequestSettings {
  readonly client: S3Client;
  readonly bucket: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** The custom endpoint URL, undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly retry: RetrySettings;
  readonly timeouts: HttpTimeouts;
  /** Sockets the keep-alive agent may open at once. */
  readonly maxSockets: number;
}

export interface ObjectHeaders {
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** x-amz-storage-class (the storage-class setting); signed like every header sent. */
  readonly storageClass?: string;
}

interface Identity extends SigningCredentials {
  readonly expiration?: Date;
}

type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<Identity>;

/** Credentials are fetched again from the SDK's provider when they expire within this window. */
const CREDENTIAL_REFRESH_WINDOW_MS = 5 * 60_000;
const EXPIRED_CREDENTIAL_CODES = new Set(["ExpiredToken", "TokenRefreshRequired"]);

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

export class LeanS3Requests {
  readonly #settings: LeanRequestSettings;
  readonly #credentialProvider: CredentialProvider;
  #target: Promise<{ address: BucketAddress; http: HttpTarget; signer: SigV4Signer }> | undefined;
  #agent: http.Agent | undefined;
  #identity: Identity | undefined;
  #identityPending: Promise<Identity> | undefined;
  #clockOffsetMs = 0;

  constructor(settings: LeanRequestSettings) {
    this.#settings = settings;
    this.#credentialProvider = settings.client.config.credentials as unknown as CredentialProvider;
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
    const queryString = canonicalQuery(query);
    const payloadHash = address.protocol === "http:" ? sha256Hex(body) : UNSIGNED_PAYLOAD;
    const unsigned: Record<string, string> = { host: address.host, "content-length": String(body.byteLength) };
    if (objectHeaders !== undefined) {
      unsigned["content-type"] = objectHeaders.contentType;
      if (objectHeaders.contentEncoding !== undefined) unsigned["content-encoding"] = objectHeaders.contentEncoding;
      if (objectHeaders.storageClass !== undefined) unsigned["x-amz-storage-class"] = objectHeaders.storageClass;
    }
    const requestPath = queryString === "" ? path : `${path}?${queryString}`;
    let refreshedCredentials = false;
    for (let attempt = 1; ; attempt += 1) {
      let failure: unknown;
      let retryAfterMs: number | undefined;
      try {
        const credentials = await this.#credentials(false);
        const signed = signer.sign(
          { method, path, query: queryString, headers: unsigned, payloadHash },
          credentials,
          new Date(Date.now() + this.#clockOffsetMs),
        );
        const answer = await exchange(target, method, requestPath, signed, body, this.#settings.timeouts);
        if (answer.status < 300) return answer;
        const refused = parseS3ErrorResponse(
          answer.status,
          answer.body,
          headerText(answer.headers["x-amz-request-id"]),
        );
        this.#noteServerClock(refused, answer);
        retryAfterMs = parseRetryAfter(headerText(answer.headers["retry-after"]));
        failure = refused;
      } catch (error) {
        failure = error;
      }
      if (failure instanceof S3ErrorResponse && EXPIRED_CREDENTIAL_CODES.has(failure.Code) && !refreshedCredentials) {
        refreshedCredentials = true;
        await this.#credentials(true);
        continue;
      }
      const kind = retryKind(failure);
      if (kind === undefined || !mayRetry(this.#settings.retry, attempt)) throw failure;
      await sleep(retryDelayMs(this.#settings.retry, kind, attempt, retryAfterMs));
    }
  }

  #noteServerClock(failure: S3ErrorResponse, answer: HttpAnswer): void {
    if (failure.Code !== "RequestTimeTooSkewed" && failure.Code !== "RequestExpired") return;
    const serverTime = Date.parse(headerText(answer.headers.date) ?? "");
    if (!Number.isNaN(serverTime)) this.#clockOffsetMs = serverTime - Date.now();
  }

  async #credentials(forceRefresh: boolean): Promise<Identity> {
    const cached = this.#identity;
    const fresh =
      cached !== undefined &&
      (cached.expiration === undefined || cached.expiration.getTime() - Date.now() > CREDENTIAL_REFRESH_WINDOW_MS);
    if (fresh && !forceRefresh) return cached;
    this.#identityPending ??= this.#credentialProvider(forceRefresh ? { forceRefresh: true } : undefined)
      .then((identity) => {
        this.#identity = identity;
        return identity;
      })
      .finally(() => {
        this.#identityPending = undefined;
      });
    return this.#identityPending;
  }

  #resolveTarget(): Promise<{ address: BucketAddress; http: HttpTarget; signer: SigV4Signer }> {
    if (this.#target !== undefined) return this.#target;
    const target = resolveBucketAddress(this.#settings.client, this.#settings.bucket, this.#settings).then(
      (address) => {
        const options = { keepAlive: true, maxSockets: this.#settings.maxSockets };
        const agent = address.protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
        this.#agent = agent;
        return {
          address,
          http: { protocol: address.protocol, hostname: address.hostname, port: address.port, agent },
          signer: new SigV4Signer(address.signingRegion),
        };
      },
    );
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
