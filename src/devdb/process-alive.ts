/** Whether process `pid` exists (EPERM: it does, under another user, e.g. the `postgres` one). */
export const alive = (pid: number): boolean => {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
