// Turns an S3 error answer (status + XML <Error><Code/><Message/></Error>) into an error shaped like the AWS SDK's
// service exceptions (name/Code, message, $metadata.httpStatusCode), so toTransportError maps both paths alike.

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  500: "InternalError",
  503: "ServiceUnavailable",
};

export class S3ErrorResponse extends Error {
  override readonly name: string;
  readonly Code: string;
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };

  constructor(status: number, code: string, message: string, requestId: string | undefined) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$metadata = { httpStatusCode: status, ...(requestId === undefined ? {} : { requestId }) };
  }
}

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXmlText(match[1]);
}

function decodeXmlText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    if (entity === "lt") return "<";
    if (entity === "gt") return ">";
    if (entity === "amp") return "&";
    if (entity === "quot") return '"';
    if (entity === "apos") return "'";
    return String.fromCodePoint(
      entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
    );
  });
}

/** The error an S3 answer with status >= 300 stands for; the code falls back to a name for the status. */
export function parseS3ErrorResponse(status: number, body: Buffer, requestId: string | undefined): S3ErrorResponse {
  const xml = body.toString("utf8");
  const code = xmlElement(xml, "Code") ?? STATUS_NAMES[status] ?? `Http${status}`;
  const message = xmlElement(xml, "Message") ?? "";
  return new S3ErrorResponse(status, code, message === "" ? code : message, requestId ?? xmlElement(xml, "RequestId"));
}
