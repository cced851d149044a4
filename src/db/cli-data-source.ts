// The DataSource the TypeORM CLI loads (`npm run migration:*`), configured like the app.
import { loadConfig } from '../config.js';
import { createDataSource } from './data-source.js';

export default createDataSource(loadConfig(process.env).database);
