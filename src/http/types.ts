/** A Lambda Function URL request (API Gateway HTTP API payload format 2.0), the parts this project reads. */
export interface FunctionUrlEvent {
  version?: '2.0';
  rawPath: string;
  /** Without the leading `?`; empty when there is none. */
  rawQueryString: string;
  /** Header names in lower case; repeated headers joined with commas. */
  headers: Record<string, string | undefined>;
  cookies?: string[];
  requestContext: {
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
