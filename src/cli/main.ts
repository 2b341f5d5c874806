export async function main(args: string[]): Promise<number> { console.log('hi', args); return 0; }
