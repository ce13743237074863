// A seeded server to develop against: `npm run dev:server`, then `npm run dev` in another
// terminal (STRIDE_URL tells Vite where to proxy). Stops on Ctrl-C and removes its files.
import { seed } from './seed.ts';
import { startServer } from './server.ts';

const port = Number(process.env.PORT ?? '8080');
const server = await startServer({ port });
try {
  const data = await seed(server.url);
  console.log(`Stride is running at ${server.url} (data in ${server.dir})`);
  for (const who of [data.owner, data.admin, data.coach, data.ann, data.ben]) {
    console.log(`  ${who.email.padEnd(20)} ${who.password}`);
  }
} catch (error) {
  console.error(error);
  console.error(server.log());
}
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
