// The DataSource the TypeORM CLI loads (`npm run migration:*`), configured like the app.
import { configFromEnvironment } from '../config.js';
import { createDataSource } from './data-source.js';

const config = configFromEnvironment();
if (!config) process.exit(1);
export default createDataSource(config.database);
