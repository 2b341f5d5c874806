/** A Lambda Function URL request (API Gateway HTTP API payload format 2.0), the parts this project reads. */
export interface FunctionUrlEvent {
  version?: '2.0';
  rawPath: string;
  /** Without the leading `?`; empty when there is none. */
  rawQueryString: string;
  /** Header names in lower case; repeated headers joined with commas. `cloudfront-viewer-address` names the client
   * (clientAddress in request.ts): CloudFront sets it, and so does the local server, from the socket. */
  headers: Record<string, string | undefined>;
  cookies?: string[];
  requestContext: {
    /** `sourceIp`: the caller of the Function URL (behind CloudFront, an edge server: see clientAddress). */
    http: { method: string; path?: string; sourceIp?: string; userAgent?: string; protocol?: string };
    requestId?: string;
    domainName?: string;
    timeEpoch?: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export type HttpHandler = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
