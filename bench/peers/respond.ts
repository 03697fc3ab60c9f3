/** The trivial API Gateway handler every tracer is put around: what is measured is the tracer alone. */
export const respond = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 200, body: '{"ok":true}' });
