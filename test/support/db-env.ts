/** Environment variables through which the db project's globalSetup hands connection details to test workers. */
export const TEST_DB_ENV = {
  postgresUrl: 'LIFEBOAT_TEST_POSTGRES_URL',
  postgresCa: 'LIFEBOAT_TEST_POSTGRES_CA',
  mysqlUrl: 'LIFEBOAT_TEST_MYSQL_URL',
} as const;
