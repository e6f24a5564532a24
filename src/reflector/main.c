/* main.c: sesame-reflector, the server a home server's owner runs outside
 *
 * sesame-reflector --address A1 --other-address A2 [--port 3478] [--other-port 3479]
 *                  [--http-port 8080] [--https-port 8443 --tls-certificate PEM --tls-key PEM]
 *                  [--rate-limit N] [--burst N] [--timeout-ms MS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-reflector"

#include "config.h"

#include <locale.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "sesame-reflector.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_port (const char *name,
            int         value,
            gboolean    zero_ok,
            guint16    *port)
{
  if (value < (zero_ok ? 0 : 1) || value > 65535)
    {
      /* Translators: %s is an option such as --port */
      g_printerr (_("%s wants a port number from 1 to 65535\n"), name);
      return FALSE;
    }

  *port = (guint16) value;
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(SesameReflector) reflector = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GInetAddress) other_address = NULL;
  g_autofree char *address_text = NULL;
  g_autofree char *other_text = NULL;
  g_autofree char *certificate_file = NULL;
  g_autofree char *key_file = NULL;
  int port = SESAME_REFLECTOR_DEFAULT_PORT;
  int other_port = SESAME_REFLECTOR_DEFAULT_OTHER_PORT;
  int http_port = SESAME_REFLECTOR_DEFAULT_HTTP_PORT;
  int https_port = 8443;
  int rate = SESAME_REFLECTOR_DEFAULT_PER_MINUTE;
  int burst = SESAME_REFLECTOR_DEFAULT_BURST;
  int timeout_ms = SESAME_REFLECTOR_DEFAULT_TIMEOUT_MS;
  gboolean version = FALSE;
  guint16 ports[4] = { 0 };
  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address_text, N_("The first public address (IPv4 or IPv6)"), "A1" },
    { "other-address", 0, 0, G_OPTION_ARG_STRING, &other_text, N_("The second public address, of the same family"), "A2" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("The first STUN port (3478)"), "N" },
    { "other-port", 0, 0, G_OPTION_ARG_INT, &other_port, N_("The second STUN port (3479)"), "N" },
    { "http-port", 0, 0, G_OPTION_ARG_INT, &http_port, N_("The HTTP port on both addresses (8080)"), "N" },
    { "https-port", 0, 0, G_OPTION_ARG_INT, &https_port, N_("The HTTPS port, with --tls-certificate (8443)"), "N" },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate_file, N_("PEM certificate for HTTPS"), "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, N_("PEM private key for HTTPS"), "FILE" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT, &rate, N_("Ports one client address may have checked a minute (120)"), "N" },
    { "burst", 0, 0, G_OPTION_ARG_INT, &burst, N_("Ports one client address may have checked at once before the rate limit applies (128)"), "N" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms, N_("How long a check waits for an answer (2000)"), "MS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("STUN (RFC 5780), “what is my IP” and port checks for Sesame, "
                                           "run on a host with two public addresses."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("sesame-reflector: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("sesame-reflector %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (address_text == NULL || other_text == NULL)
    {
      g_printerr (_("sesame-reflector: --address and --other-address are required\n"));
      return 2;
    }

  address = g_inet_address_new_from_string (address_text);
  other_address = g_inet_address_new_from_string (other_text);
  if (address == NULL || other_address == NULL)
    {
      g_printerr (_("sesame-reflector: “%s” is not an IP address\n"), address == NULL ? address_text : other_text);
      return 2;
    }

  if (!parse_port ("--port", port, TRUE, &ports[0]) ||
      !parse_port ("--other-port", other_port, TRUE, &ports[1]) ||
      !parse_port ("--http-port", http_port, TRUE, &ports[2]) ||
      !parse_port ("--https-port", https_port, TRUE, &ports[3]))
    return 2;

  if (rate < 0 || burst < 1 || timeout_ms < 100 || timeout_ms > 10000)
    {
      g_printerr (_("sesame-reflector: --rate-limit is 0 or more, --burst 1 or more, --timeout-ms from 100 to 10000\n"));
      return 2;
    }

  reflector = sesame_reflector_new (address, other_address, ports[0], ports[1], ports[2]);
  sesame_reflector_set_rate_limit (reflector, (guint) burst, (guint) rate);
  sesame_reflector_set_timeout (reflector, (guint) timeout_ms);

  if (certificate_file != NULL || key_file != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = NULL;

      if (certificate_file == NULL || key_file == NULL)
        {
          g_printerr (_("sesame-reflector: HTTPS needs both --tls-certificate and --tls-key\n"));
          return 2;
        }
      certificate = g_tls_certificate_new_from_files (certificate_file, key_file, &error);
      if (certificate == NULL)
        {
          g_printerr ("sesame-reflector: %s\n", error->message);
          return 1;
        }
      sesame_reflector_set_https (reflector, certificate, ports[3]);
    }

  if (!sesame_reflector_start (reflector, &error))
    {
      g_printerr ("sesame-reflector: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);

  g_message ("stopped");
  return 0;
}
