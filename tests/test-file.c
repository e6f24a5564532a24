/* test-file.c: what Sesame reads is small and regular, what it writes replaces only a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sesame-file.h"

/* Inside the test's own isolated directories, which GLib removes afterwards */
static char *
make_dir (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "file", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static char *
read_text (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static void
test_read_regular (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) through = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "{\"version\": 1}", -1, NULL));
  bytes = sesame_file_read (path, SESAME_FILE_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{\"version\": 1}", 14);

  /* A link to a regular file is read: the file it names is what counts */
  g_assert_cmpint (symlink (path, link), ==, 0);
  through = sesame_file_read (link, SESAME_FILE_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (through), ==, 14);

  g_assert_null (sesame_file_read ("/nonexistent/plan.json", SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A FIFO would block the reader forever, /dev/zero would fill the memory */
static void
test_read_refuses (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *fifo = g_build_filename (dir, "report.fifo", NULL);
  g_autofree char *large = g_build_filename (dir, "large.json", NULL);
  g_autofree char *big = g_malloc0 (2 * 1024 * 1024);
  g_autofree char *to_fifo = g_build_filename (dir, "to-fifo.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  alarm (20);   /* a hang is a failure, not a stuck suite */
  g_assert_null (sesame_file_read (fifo, SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  /* Through a link too */
  g_assert_cmpint (symlink (fifo, to_fifo), ==, 0);
  g_assert_null (sesame_file_read (to_fifo, SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  g_assert_null (sesame_file_read ("/dev/zero", SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  g_assert_null (sesame_file_read (dir, SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  memset (big, ' ', 2 * 1024 * 1024);
  g_assert_true (g_file_set_contents (large, big, 2 * 1024 * 1024, NULL));
  g_assert_null (sesame_file_read (large, SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "2048 KiB"));
  alarm (0);
}

/* Files whose size the kernel does not say (/proc) are read to their end, within the cap */
static void
test_read_unknown_size (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = sesame_file_read ("/proc/self/status", SESAME_FILE_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 100);

  g_clear_pointer (&bytes, g_bytes_unref);
  g_assert_null (sesame_file_read ("/proc/self/status", 16, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* As a string, for the socket tables, the routes and the ARP table */
  {
    g_autofree char *text = sesame_file_read_text ("/proc/self/status", SESAME_FILE_MAX_SIZE, &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (text, "Name:"));
    g_assert_nonnull (strstr (text, "\nPid:"));
  }
  g_assert_null (sesame_file_read_text ("/dev/zero", SESAME_FILE_MAX_SIZE, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
}

static void
test_replace_new_and_mode (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "checklist.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_true (sesame_file_replace (path, "one\n", 4, 0644, &error));
  g_assert_no_error (error);
  contents = read_text (path);
  g_assert_cmpstr (contents, ==, "one\n");

  /* A private file stays private */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (sesame_file_replace (path, "two\n", 4, 0644, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_clear_pointer (&contents, g_free);
  contents = read_text (path);
  g_assert_cmpstr (contents, ==, "two\n");

  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_true (sesame_file_replace (path, "three\n", 6, 0600, &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);

  /* As root, another user's file stays theirs */
  if (geteuid () == 0)
    {
      g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
      g_assert_true (sesame_file_replace (path, "four\n", 5, 0644, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_uid, ==, 65534);
      g_assert_cmpuint (st.st_gid, ==, 65534);
      g_assert_cmpint (st.st_mode & 07777, ==, 0640);
    }
}

/* A device, a FIFO, a directory and a symbolic link are refused and left as they are */
static void
test_replace_refuses (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *fifo = g_build_filename (dir, "out.fifo", NULL);
  g_autofree char *target = g_build_filename (dir, "target.txt", NULL);
  g_autofree char *link = g_build_filename (dir, "link.txt", NULL);
  g_autofree char *device = g_build_filename (dir, "null", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *link_target = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (sesame_file_replace (fifo, "x", 1, 0644, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_clear_error (&error);
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));

  g_assert_false (sesame_file_replace (dir, "x", 1, 0644, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (target, "kept\n", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_false (sesame_file_replace (link, "x", 1, 0644, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_SYMLINK);
  g_clear_error (&error);
  link_target = g_file_read_link (link, NULL);
  g_assert_cmpstr (link_target, ==, target);
  contents = read_text (target);
  g_assert_cmpstr (contents, ==, "kept\n");

  /* A character device like /dev/null (made here; only root may) */
  if (mknod (device, S_IFCHR | 0666, makedev (1, 3)) == 0)
    {
      g_assert_false (sesame_file_replace (device, "x", 1, 0644, &error));
      g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
      g_clear_error (&error);
      g_assert_cmpint (g_lstat (device, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
    }
  else
    g_test_message ("mknod: not root, the character device is /dev/null itself");

  g_assert_false (sesame_file_replace ("/dev/null", "x", 1, 0644, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  /* Nothing was left beside them */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_null (strstr (name, "sesame-tmp"));
  }
}

/* A writer killed mid-write leaves its temporary; the next write to the
 * same name removes it, and nothing else: not another program's file, not
 * a temporary another writer still holds */
static void
test_replace_cleans_temporaries (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *stale = g_build_filename (dir, ".report.html.sesame-tmp-Ab12Cd", NULL);
  g_autofree char *held = g_build_filename (dir, ".report.html.sesame-tmp-Zz99zz", NULL);
  g_autofree char *other = g_build_filename (dir, ".other.html.sesame-tmp-Ab12Cd", NULL);
  const char *kept_names[] = { "report.html.backup", "report.html.Ab12Cd", "report.html~", ".report.html.swp" };
  g_autoptr(GError) error = NULL;
  int fd;

  g_assert_true (g_file_set_contents (stale, "half", -1, NULL));
  g_assert_true (g_file_set_contents (held, "being written", -1, NULL));
  g_assert_true (g_file_set_contents (other, "half", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (kept_names); i++)
    {
      g_autofree char *kept = g_build_filename (dir, kept_names[i], NULL);
      g_assert_true (g_file_set_contents (kept, "mine", -1, NULL));
    }

  fd = g_open (held, O_RDONLY, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  g_assert_true (sesame_file_replace (path, "new\n", 4, 0644, &error));
  g_assert_no_error (error);

  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (held, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (kept_names); i++)
    {
      g_autofree char *kept = g_build_filename (dir, kept_names[i], NULL);
      g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
    }
  g_close (fd, NULL);

  g_assert_true (sesame_file_is_temporary (".plan.json.sesame-tmp-a1B2c3", "plan.json"));
  g_assert_false (sesame_file_is_temporary ("plan.json.a1B2c3", "plan.json"));
  g_assert_false (sesame_file_is_temporary (".plan.json.sesame-tmp-a1B2c", "plan.json"));
  g_assert_false (sesame_file_is_temporary (".plan.json.sesame-tmp-a1B2c3d", "plan.json"));
  g_assert_false (sesame_file_is_temporary (".plan.json.sesame-tmp-a1B.c3", "plan.json"));
}

/* The child: writes the file over and over until killed */
static int
write_loop (const char *path)
{
  g_autofree char *text = g_strnfill (200000, 'a');

  for (guint i = 0;; i++)
    {
      text[0] = 'a' + i % 2;
      if (!sesame_file_replace (path, text, strlen (text), 0644, NULL))
        return 1;
    }
}

/* SIGKILL at any moment: the file is whole, and what is left beside it goes at the next write */
static void
test_replace_killed (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "out.txt", NULL);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (12);
  guint left = 0;

  for (guint round = 0; round < 30; round++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GDir) listing = NULL;
      const char *name;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/proc/self/exe", "--write-loop", path, NULL);
      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 2000, 30000));
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, NULL);

      listing = g_dir_open (dir, 0, NULL);
      while ((name = g_dir_read_name (listing)) != NULL)
        if (sesame_file_is_temporary (name, "out.txt"))
          left++;
    }
  g_test_message ("%u kills of 30 left a temporary", left);

  g_assert_true (sesame_file_replace (path, "done\n", 5, 0644, &error));
  g_assert_no_error (error);

  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_cmpstr (name, ==, "out.txt");
  }

  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--write-loop"))
    return write_loop (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/file/read-regular", test_read_regular);
  g_test_add_func ("/file/read-refuses", test_read_refuses);
  g_test_add_func ("/file/read-unknown-size", test_read_unknown_size);
  g_test_add_func ("/file/replace-new-and-mode", test_replace_new_and_mode);
  g_test_add_func ("/file/replace-refuses", test_replace_refuses);
  g_test_add_func ("/file/replace-cleans-temporaries", test_replace_cleans_temporaries);
  g_test_add_func ("/file/replace-killed", test_replace_killed);

  return g_test_run ();
}
