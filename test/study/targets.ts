// The two databases every study suite runs on: embedded PGlite and a real PostgreSQL started by
// the test itself (pg-cluster.ts). Each suite gets a fresh database of each kind.
import { type OpenDatabase, openDatabase } from '../../proxy/study/db.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

export interface DbTarget {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, migrated database; `cleanup` closes it (and stops the cluster). */
  open(): Promise<{ database: OpenDatabase; cluster: PgCluster | null; cleanup(): Promise<void> }>;
}

export const DB_TARGETS: readonly DbTarget[] = [
  {
    name: 'pglite',
    async open() {
      const database = await openDatabase({ kind: 'pglite', dataDir: null });
      return { database, cluster: null, cleanup: () => database.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const cluster = await startPgCluster();
      try {
        const database = await openDatabase({ kind: 'postgres', url: cluster.url });
        return {
          database,
          cluster,
          async cleanup() {
            await database.close().catch(() => {});
            cluster.destroy();
          },
        };
      } catch (error) {
        cluster.destroy();
        throw error;
      }
    },
  },
];
