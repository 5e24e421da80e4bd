/* The alternative measured against koffi's CreateProcessW (packages/winjob/README.md, "Why
 * CreateProcessW through koffi"): a small helper .exe that opens a named job, creates the command
 * suspended with the helper's own standard handles, assigns it, resumes it, waits, and exits with
 * its exit code. Usage: spawn-helper.exe JOBNAME COMMANDLINE. Built with x86_64-w64-mingw32-gcc. */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
  if (argc != 3) { fwprintf(stderr, L"usage: spawn-helper JOBNAME COMMANDLINE\n"); return 2; }
  HANDLE job = OpenJobObjectW(JOB_OBJECT_ASSIGN_PROCESS, FALSE, argv[1]);
  if (job == NULL) { fwprintf(stderr, L"OpenJobObjectW(%ls) failed: %lu\n", argv[1], GetLastError()); return 1; }
  STARTUPINFOW si = { .cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES };
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, argv[2], NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi)) {
    fwprintf(stderr, L"CreateProcessW failed: %lu\n", GetLastError()); return 1;
  }
  if (!AssignProcessToJobObject(job, pi.hProcess)) {
    fwprintf(stderr, L"AssignProcessToJobObject failed: %lu\n", GetLastError());
    TerminateProcess(pi.hProcess, 1); return 1;
  }
  ResumeThread(pi.hThread);
  WaitForSingleObject(pi.hProcess, INFINITE);
  DWORD code = 1;
  GetExitCodeProcess(pi.hProcess, &code);
  return (int)code;
}
