/** The cold-start baseline: a handler with nothing to load. */
export const handler = async () => ({ statusCode: 200 });
