import { runFromProcess } from './main';

void runFromProcess();
