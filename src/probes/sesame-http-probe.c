/* sesame-http-probe.c
 *
 * Only the server asked is ever contacted: libsoup does not follow
 * redirects here. A redirect to the same scheme, host and port is followed,
 * at most SESAME_HTTP_MAX_REDIRECTS times; one to any other server ends the
 * fetch with an error that names it, so the answer is "unknown" with the
 * reason, and nothing is sent there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-http-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sesame-address.h"
#include "sesame-http-probe.h"
#include "sesame-json.h"

G_DEFINE_QUARK (sesame-http-probe-error-quark, sesame_http_probe_error)

static char *
trimmed_text (const char *body,
              gsize       length)
{
  g_autofree char *copy = g_strndup (body, length);

  return g_strdup (g_strstrip (copy));
}

static gboolean
is_ip_address (const char *text)
{
  g_autoptr(GInetAddress) address = NULL;

  if (sesame_ipv4_parse (text, NULL))
    return TRUE;

  /* IPv6 literal only: no host names, no ports */
  if (strchr (text, ':') == NULL || strlen (text) > 45)
    return FALSE;

  address = g_inet_address_new_from_string (text);
  return address != NULL;
}

/**
 * sesame_http_parse_ip_response:
 * @body: (array length=length): the response body, untrusted
 * @length: its length
 * @error: return location for a #GError
 *
 * Accepts `{"ip": "203.0.113.2", …}` (also "address", "query" or "origin"),
 * or the address alone as text.
 *
 * Returns: (transfer full): the address as text
 */
char *
sesame_http_parse_ip_response (const char  *body,
                               gsize        length,
                               GError     **error)
{
  g_autofree char *text = NULL;
  static const char * const members[] = { "ip", "address", "query", "origin" };

  g_return_val_if_fail (body != NULL || length == 0, NULL);

  if (length > SESAME_HTTP_MAX_BODY)
    {
      g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_TOO_LARGE,
                   _("the answer is too large"));
      return NULL;
    }

  text = trimmed_text (body ? body : "", length);

  if (*text == '{')
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length);
      g_autoptr(JsonNode) root = sesame_json_parse_bytes (bytes, SESAME_HTTP_MAX_BODY, error);

      if (root == NULL)
        return NULL;

      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          for (guint i = 0; i < G_N_ELEMENTS (members); i++)
            {
              const char *value = NULL;

              if (sesame_json_get_string (json_node_get_object (root), members[i], &value) &&
                  value != NULL && is_ip_address (value))
                return g_strdup (value);
            }
        }

      g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE,
                   _("the answer holds no IP address"));
      return NULL;
    }

  if (!g_utf8_validate_len (text, strlen (text), NULL) || !is_ip_address (text))
    {
      g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE,
                   _("the answer is not an IP address"));
      return NULL;
    }

  return g_steal_pointer (&text);
}

/**
 * sesame_http_parse_check_response:
 * @body: (array length=length): the response body, untrusted
 * @length: its length
 * @reachability: (out): what the check service saw
 * @error: return location for a #GError
 *
 * Accepts JSON with a "state" of open, refused or filtered, or a boolean
 * "open" or "reachable"; or plain text "1" or "0", as Transmission's port
 * check answers.
 */
gboolean
sesame_http_parse_check_response (const char          *body,
                                  gsize                length,
                                  SesameReachability  *reachability,
                                  GError             **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (reachability != NULL, FALSE);

  if (length > SESAME_HTTP_MAX_BODY)
    {
      g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_TOO_LARGE,
                   _("the answer is too large"));
      return FALSE;
    }

  text = trimmed_text (body ? body : "", length);

  if (g_str_equal (text, "1") || g_str_equal (text, "0"))
    {
      *reachability = text[0] == '1' ? SESAME_REACHABILITY_OPEN : SESAME_REACHABILITY_FILTERED;
      return TRUE;
    }

  if (*text == '{')
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length);
      g_autoptr(JsonNode) root = sesame_json_parse_bytes (bytes, SESAME_HTTP_MAX_BODY, error);
      JsonObject *object;
      const char *state = NULL;

      if (root == NULL)
        return FALSE;

      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          object = json_node_get_object (root);

          if (sesame_json_get_string (object, "state", &state) && state != NULL)
            {
              if (g_str_equal (state, "open"))
                *reachability = SESAME_REACHABILITY_OPEN;
              else if (g_str_equal (state, "refused"))
                *reachability = SESAME_REACHABILITY_REFUSED;
              else if (g_str_equal (state, "filtered") || g_str_equal (state, "no-reply"))
                *reachability = SESAME_REACHABILITY_FILTERED;
              else
                *reachability = SESAME_REACHABILITY_UNKNOWN;
              return TRUE;
            }

          for (guint i = 0; i < 2; i++)
            {
              const char *member = i == 0 ? "open" : "reachable";
              JsonNode *node = json_object_get_member (object, member);

              if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                  json_node_get_value_type (node) == G_TYPE_BOOLEAN)
                {
                  *reachability = json_node_get_boolean (node) ? SESAME_REACHABILITY_OPEN
                                                               : SESAME_REACHABILITY_FILTERED;
                  return TRUE;
                }
            }
        }
    }

  g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE,
               _("the check service gave an answer Sesame does not understand"));
  return FALSE;
}

/* {port} and {proto} in @template, each as often as it appears */
char *
sesame_http_expand_check_url (const char *template,
                              const char *protocol,
                              guint16     port)
{
  g_autoptr(GString) url = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  g_return_val_if_fail (template != NULL, NULL);
  g_return_val_if_fail (protocol != NULL, NULL);

  url = g_string_new (template);
  g_string_replace (url, "{port}", port_text, 0);
  g_string_replace (url, "{proto}", protocol, 0);

  return g_string_free (g_steal_pointer (&url), FALSE);
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return 443;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0)
    return 80;
  return -1;
}

/**
 * sesame_http_follow_redirect:
 * @url: the URL that answered with a redirect
 * @location: (nullable): its Location header, untrusted
 * @error: return location for a #GError
 *
 * A redirect may be followed only to the same server: the same scheme, host
 * and port. Anything else is %SESAME_HTTP_PROBE_ERROR_REDIRECT, naming the
 * server it would have gone to.
 *
 * Returns: (transfer full) (nullable): the absolute URL to fetch next
 */
char *
sesame_http_follow_redirect (const char  *url,
                             const char  *location,
                             GError     **error)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) target = NULL;
  const char *host;

  g_return_val_if_fail (url != NULL, NULL);

  base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_return_val_if_fail (base != NULL, NULL);

  if (location != NULL && strlen (location) <= SESAME_HTTP_MAX_BODY && g_utf8_validate (location, -1, NULL))
    target = g_uri_parse_relative (base, location, SOUP_HTTP_URI_FLAGS, NULL);

  if (target == NULL || g_uri_get_host (target) == NULL || *g_uri_get_host (target) == '\0')
    {
      g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_BAD_RESPONSE,
                   _("the server sent Sesame on without a valid address to go to"));
      return NULL;
    }

  host = g_uri_get_host (target);
  if (g_ascii_strcasecmp (g_uri_get_scheme (target), g_uri_get_scheme (base)) != 0 ||
      g_ascii_strcasecmp (host, g_uri_get_host (base)) != 0 ||
      effective_port (target) != effective_port (base))
    {
      g_autofree char *shown = g_uri_get_port (target) > 0
        ? g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (target), host, g_uri_get_port (target))
        : g_strdup_printf ("%s://%s", g_uri_get_scheme (target), host);

      g_set_error (error, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_REDIRECT,
                   _("the server sent Sesame on to another server, %s, which Sesame did not contact"),
                   shown);
      return NULL;
    }

  return g_uri_to_string (target);
}

/* Fetching, bounded in time and size */

typedef struct
{
  GCancellable *cancellable;   /* cancelled by the deadline or the caller */
  gulong        parent_handler;
  GCancellable *parent;
  guint         timeout_id;
  gboolean      timed_out;
  guint         timeout_ms;
  GByteArray   *body;
  GInputStream *stream;
  char         *url;            /* the one being fetched, after redirects */
  guint         redirects;
  guint         check_wait_ms;  /* 0, or how long a check service is asked to wait */
} Fetch;

static void
fetch_free (gpointer data)
{
  Fetch *fetch = data;

  g_clear_handle_id (&fetch->timeout_id, g_source_remove);
  if (fetch->parent != NULL)
    g_cancellable_disconnect (fetch->parent, fetch->parent_handler);
  g_clear_object (&fetch->parent);
  g_clear_object (&fetch->cancellable);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_clear_object (&fetch->stream);
  g_free (fetch->url);
  g_free (fetch);
}

static gboolean
fetch_deadline (gpointer data)
{
  Fetch *fetch = data;

  fetch->timeout_id = 0;
  fetch->timed_out = TRUE;
  g_cancellable_cancel (fetch->cancellable);

  return G_SOURCE_REMOVE;
}

static void
parent_cancelled (GCancellable *parent,
                  GCancellable *child)
{
  g_cancellable_cancel (child);
}

static void
fetch_return_error (GTask  *task,
                    GError *error)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (fetch->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               _("no answer within %u ms"), fetch->timeout_ms);
      return;
    }

  g_task_return_error (task, error);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      fetch_return_error (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&fetch->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  g_byte_array_append (fetch->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));

  if (fetch->body->len > SESAME_HTTP_MAX_BODY)
    {
      g_task_return_new_error (task, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_TOO_LARGE,
                               _("the answer is too large"));
      return;
    }

  g_input_stream_read_bytes_async (fetch->stream, SESAME_HTTP_MAX_BODY + 1 - fetch->body->len,
                                   G_PRIORITY_DEFAULT, fetch->cancellable, read_cb,
                                   g_steal_pointer (&task));
}

static void send_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

/* GETs fetch->url, without letting libsoup follow redirects */
static void
send_message (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  SoupSession *session = g_task_get_source_object (task);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, fetch->url);

  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid web address"), fetch->url);
      g_object_unref (task);
      return;
    }

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (fetch->check_wait_ms > 0)
    {
      g_autofree char *wait = g_strdup_printf ("%u", fetch->check_wait_ms);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    SESAME_HTTP_CHECK_WAIT_HEADER, wait);
    }
  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, fetch->cancellable, send_cb, task);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  SoupMessage *message;
  GError *error = NULL;
  guint status;

  fetch->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (fetch->stream == NULL)
    {
      fetch_return_error (task, error);
      return;
    }

  message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  status = soup_message_get_status (message);

  /* Followed by hand, and only on the same server */
  if (status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND ||
      status == SOUP_STATUS_SEE_OTHER || status == SOUP_STATUS_TEMPORARY_REDIRECT ||
      status == SOUP_STATUS_PERMANENT_REDIRECT)
    {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                           "Location");
      g_autofree char *next = sesame_http_follow_redirect (fetch->url, location, &error);

      if (next == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      if (++fetch->redirects > SESAME_HTTP_MAX_REDIRECTS)
        {
          g_task_return_new_error (task, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_REDIRECT,
                                   _("the server sent Sesame on more than %u times"),
                                   SESAME_HTTP_MAX_REDIRECTS);
          return;
        }

      g_clear_object (&fetch->stream);
      g_free (fetch->url);
      fetch->url = g_steal_pointer (&next);
      send_message (g_steal_pointer (&task));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, SESAME_HTTP_PROBE_ERROR, SESAME_HTTP_PROBE_ERROR_STATUS,
                               _("the server answered HTTP %u"), status);
      return;
    }

  g_input_stream_read_bytes_async (fetch->stream, SESAME_HTTP_MAX_BODY + 1, G_PRIORITY_DEFAULT,
                                   fetch->cancellable, read_cb, g_steal_pointer (&task));
}

/**
 * sesame_http_fetch_async:
 * @session: a session
 * @url: an http or https URL
 * @timeout_ms: the deadline for the whole exchange
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * GETs @url and reads at most %SESAME_HTTP_MAX_BODY bytes of its body.
 * Past the deadline the error is %G_IO_ERROR_TIMED_OUT.
 */
void
sesame_http_fetch_async (SoupSession         *session,
                         const char          *url,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  sesame_http_fetch_check_async (session, url, 0, timeout_ms, cancellable, callback, user_data);
}

/**
 * sesame_http_fetch_check_async:
 * @session: a session
 * @url: a check service's URL, http or https
 * @check_wait_ms: how long the service is asked to wait for the port's
 *   answer (the %SESAME_HTTP_CHECK_WAIT_HEADER header), or 0 to leave it
 *   to the service
 * @timeout_ms: the deadline for the whole exchange
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done, finished with sesame_http_fetch_finish()
 * @user_data: data for @callback
 *
 * sesame_http_fetch_async() for a port check. A service that does not
 * know the header ignores it, as HTTP says of unknown headers.
 */
void
sesame_http_fetch_check_async (SoupSession         *session,
                               const char          *url,
                               guint                check_wait_ms,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  Fetch *fetch;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (url != NULL);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_http_fetch_async);

  fetch = g_new0 (Fetch, 1);
  fetch->cancellable = g_cancellable_new ();
  fetch->timeout_ms = timeout_ms;
  fetch->body = g_byte_array_new ();
  fetch->url = g_strdup (url);
  fetch->check_wait_ms = check_wait_ms;
  g_task_set_task_data (task, fetch, fetch_free);

  if (cancellable != NULL)
    {
      fetch->parent = g_object_ref (cancellable);
      fetch->parent_handler = g_cancellable_connect (cancellable, G_CALLBACK (parent_cancelled),
                                                     fetch->cancellable, NULL);
    }

  /* Only http and https URLs with a host, as sesame_http_follow_redirect() expects */
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 &&
       g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid web address"), url);
      return;
    }

  fetch->timeout_id = g_timeout_add (timeout_ms, fetch_deadline, fetch);
  send_message (g_steal_pointer (&task));
}

GBytes *
sesame_http_fetch_finish (SoupSession   *session,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
