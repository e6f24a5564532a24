/* sesame-pmp-codec.c
 *
 * The pure NAT-PMP and PCP codec: requests built into bytes, replies read
 * from untrusted bytes (length, version, opcode, result code, addresses in
 * PCP's 128 bits) into structures or an error that says what was wrong.
 * No I/O: the client (sesame-pmp-client.c) sends and receives, the fuzz
 * target feeds this directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-pmp-codec"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-bytes.h"
#include "sesame-pmp-codec.h"

/* Replies are untrusted bytes from the network. A reply that is malformed or
 * answers another request is dropped by the client and only reaches the debug
 * log, so those messages are not marked for translation; the reasons a router
 * gives for refusing are shown to people and are.
 */

#define NATPMP_RESPONSE_BIT  0x80
#define PCP_R_BIT            0x80
#define PCP_OPTION_HEADER    4

#define NATPMP_MAP_REQUEST_SIZE  12
#define PCP_MAP_REQUEST_SIZE     (SESAME_PCP_HEADER_SIZE + SESAME_PCP_MAP_PAYLOAD_SIZE)

G_DEFINE_QUARK (sesame-pmp-error-quark, sesame_pmp_error)

typedef struct
{
  guint           code;
  SesamePmpError  error;
  const char     *reason;
} ResultInfo;

static const ResultInfo natpmp_results[] = {
  { SESAME_NATPMP_RESULT_UNSUPPORTED_VERSION, SESAME_PMP_ERROR_UNSUPPORTED_VERSION,
    N_("unsupported version: the router does not speak this version of NAT-PMP") },
  { SESAME_NATPMP_RESULT_NOT_AUTHORIZED, SESAME_PMP_ERROR_NOT_AUTHORIZED,
    N_("not authorized: the router refuses port mappings (NAT-PMP may be switched off)") },
  { SESAME_NATPMP_RESULT_NETWORK_FAILURE, SESAME_PMP_ERROR_NETWORK_FAILURE,
    N_("network failure: the router has no external address yet") },
  { SESAME_NATPMP_RESULT_OUT_OF_RESOURCES, SESAME_PMP_ERROR_NO_RESOURCES,
    N_("out of resources: the router cannot create more port mappings") },
  { SESAME_NATPMP_RESULT_UNSUPPORTED_OPCODE, SESAME_PMP_ERROR_UNSUPPORTED_OPCODE,
    N_("unsupported opcode: the router does not offer this kind of request") },
};

static const ResultInfo pcp_results[] = {
  { SESAME_PCP_RESULT_UNSUPP_VERSION, SESAME_PMP_ERROR_UNSUPPORTED_VERSION,
    N_("unsupported version: the router does not speak this version of PCP") },
  { SESAME_PCP_RESULT_NOT_AUTHORIZED, SESAME_PMP_ERROR_NOT_AUTHORIZED,
    N_("not authorized: the router refuses this mapping (PCP may be switched off, or the port is not allowed)") },
  { SESAME_PCP_RESULT_MALFORMED_REQUEST, SESAME_PMP_ERROR_MALFORMED_REQUEST,
    N_("malformed request: the router could not read the request") },
  { SESAME_PCP_RESULT_UNSUPP_OPCODE, SESAME_PMP_ERROR_UNSUPPORTED_OPCODE,
    N_("unsupported opcode: the router does not offer this kind of request") },
  { SESAME_PCP_RESULT_UNSUPP_OPTION, SESAME_PMP_ERROR_UNSUPPORTED_OPTION,
    N_("unsupported option: the router does not understand an option it must obey") },
  { SESAME_PCP_RESULT_MALFORMED_OPTION, SESAME_PMP_ERROR_MALFORMED_OPTION,
    N_("malformed option: the router could not read an option of the request") },
  { SESAME_PCP_RESULT_NETWORK_FAILURE, SESAME_PMP_ERROR_NETWORK_FAILURE,
    N_("network failure: the router has no external address yet") },
  { SESAME_PCP_RESULT_NO_RESOURCES, SESAME_PMP_ERROR_NO_RESOURCES,
    N_("no resources: the router cannot create more mappings right now") },
  { SESAME_PCP_RESULT_UNSUPP_PROTOCOL, SESAME_PMP_ERROR_UNSUPPORTED_PROTOCOL,
    N_("unsupported protocol: the router cannot map this protocol") },
  { SESAME_PCP_RESULT_USER_EX_QUOTA, SESAME_PMP_ERROR_QUOTA_EXCEEDED,
    N_("quota exceeded: this computer already has as many mappings as the router allows") },
  { SESAME_PCP_RESULT_CANNOT_PROVIDE_EXTERNAL, SESAME_PMP_ERROR_CANNOT_PROVIDE_EXTERNAL,
    N_("cannot provide external: the router cannot give the external port or address asked for") },
  { SESAME_PCP_RESULT_ADDRESS_MISMATCH, SESAME_PMP_ERROR_ADDRESS_MISMATCH,
    N_("address mismatch: the request reached the router from another address, so there is another NAT in between") },
  { SESAME_PCP_RESULT_EXCESSIVE_REMOTE_PEERS, SESAME_PMP_ERROR_EXCESSIVE_REMOTE_PEERS,
    N_("excessive remote peers: the router cannot filter this many remote peers") },
};

static const guint8 ipv4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* PCP carries every address in 128 bits; IPv4 as ::ffff:a.b.c.d (RFC 6887, 5) */
static void
write_pcp_address (guint8       *out,
                   GInetAddress *address)
{
  g_assert (address != NULL);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      memcpy (out, ipv4_mapped_prefix, sizeof ipv4_mapped_prefix);
      memcpy (out + 12, g_inet_address_to_bytes (address), 4);
    }
  else
    memcpy (out, g_inet_address_to_bytes (address), 16);
}

static gboolean
malformed (GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError     **error,
           const char  *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SESAME_PMP_ERROR, SESAME_PMP_ERROR_MALFORMED,
                                                format, args));
  va_end (args);
  return FALSE;
}

static gboolean
mismatch (GError     **error,
          const char  *what)
{
  g_set_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_MISMATCH,
               "the reply answers another request (%s differs)", what);
  return FALSE;
}

/**
 * sesame_natpmp_build_address_request:
 *
 * Returns: (transfer full): a NAT-PMP external address request (version 0, opcode 0)
 */
GBytes *
sesame_natpmp_build_address_request (void)
{
  static const guint8 request[2] = { SESAME_NATPMP_VERSION, SESAME_NATPMP_OP_EXTERNAL_ADDRESS };

  return g_bytes_new (request, sizeof request);
}

/**
 * sesame_natpmp_build_map_request:
 * @transport: TCP (opcode 2) or UDP (opcode 1)
 * @internal_port: the port on this computer, not zero
 * @suggested_external_port: the port asked for on the router, or 0 for any
 * @lifetime: seconds; 0 deletes the mapping of @internal_port
 *
 * Returns: (transfer full): a 12-byte NAT-PMP mapping request
 */
GBytes *
sesame_natpmp_build_map_request (SesamePmpTransport transport,
                                 guint16            internal_port,
                                 guint16            suggested_external_port,
                                 guint32            lifetime)
{
  guint8 request[NATPMP_MAP_REQUEST_SIZE] = { 0 };

  g_return_val_if_fail (transport == SESAME_PMP_TRANSPORT_TCP ||
                        transport == SESAME_PMP_TRANSPORT_UDP, NULL);
  g_return_val_if_fail (internal_port != 0, NULL);

  request[0] = SESAME_NATPMP_VERSION;
  request[1] = transport == SESAME_PMP_TRANSPORT_TCP ? SESAME_NATPMP_OP_MAP_TCP : SESAME_NATPMP_OP_MAP_UDP;
  /* bytes 2-3 reserved */
  sesame_write_u16 (request + 4, internal_port);
  sesame_write_u16 (request + 6, suggested_external_port);
  sesame_write_u32 (request + 8, lifetime);

  return g_bytes_new (request, sizeof request);
}

/**
 * sesame_natpmp_parse_response:
 * @request: the request this datagram should answer, as built above
 * @data: (array length=length) (nullable): the datagram
 * @length: its size
 * @response: (out caller-allocates) (optional): the reply, filled only on success
 * @error: %SESAME_PMP_ERROR_MALFORMED or %SESAME_PMP_ERROR_MISMATCH
 *
 * A successful reply must have the exact size of its kind (12 bytes for the
 * external address, 16 for a mapping). A reply with a non-zero result code may
 * be shorter, as RFC 6886 allows: 8 bytes (version, opcode, result, epoch), or
 * 12 for a returned mapping request; the fields it lacks are zero.
 *
 * A result code is not an error here: the caller decides with
 * sesame_natpmp_check_result().
 *
 * Returns: %TRUE if @data is a well-formed reply to @request
 */
gboolean
sesame_natpmp_parse_response (GBytes               *request,
                              const guint8         *data,
                              gsize                 length,
                              SesameNatpmpResponse *response,
                              GError              **error)
{
  SesameNatpmpResponse parsed = { 0 };
  const guint8 *req;
  gsize req_length;
  gsize full_size;

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  req = g_bytes_get_data (request, &req_length);
  g_return_val_if_fail (req_length >= 2 && req[0] == SESAME_NATPMP_VERSION, FALSE);
  g_return_val_if_fail ((req[1] == SESAME_NATPMP_OP_EXTERNAL_ADDRESS && req_length == 2) ||
                        ((req[1] == SESAME_NATPMP_OP_MAP_UDP || req[1] == SESAME_NATPMP_OP_MAP_TCP) &&
                         req_length == NATPMP_MAP_REQUEST_SIZE), FALSE);

  if (length < 4)
    return malformed (error, "the reply is too short (%" G_GSIZE_FORMAT " bytes)", length);

  if (data[0] != SESAME_NATPMP_VERSION)
    return malformed (error, "the reply has version %u, not NAT-PMP", data[0]);

  if ((data[1] & NATPMP_RESPONSE_BIT) == 0)
    return malformed (error, "the datagram is a request (opcode %u), not a reply", data[1]);

  parsed.opcode = data[1] & ~NATPMP_RESPONSE_BIT;
  parsed.result_code = sesame_read_u16 (data + 2);

  if (parsed.opcode != req[1])
    return mismatch (error, "opcode");

  full_size = parsed.opcode == SESAME_NATPMP_OP_EXTERNAL_ADDRESS ? SESAME_NATPMP_ADDRESS_SIZE
                                                                 : SESAME_NATPMP_MAP_SIZE;

  if (parsed.result_code == SESAME_NATPMP_RESULT_SUCCESS)
    {
      if (length != full_size)
        return malformed (error, "a successful reply has %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT,
                          length, full_size);
    }
  else if (length < 8 || length > full_size || length % 4 != 0)
    return malformed (error, "an error reply has %" G_GSIZE_FORMAT " bytes", length);

  parsed.epoch = sesame_read_u32 (data + 4);

  if (parsed.opcode == SESAME_NATPMP_OP_EXTERNAL_ADDRESS)
    {
      if (length == SESAME_NATPMP_ADDRESS_SIZE)
        memcpy (parsed.external_address, data + 8, 4);
    }
  else if (length == SESAME_NATPMP_MAP_SIZE)
    {
      guint32 requested_lifetime = sesame_read_u32 (req + 8);

      parsed.internal_port = sesame_read_u16 (data + 8);
      parsed.external_port = sesame_read_u16 (data + 10);
      parsed.lifetime = sesame_read_u32 (data + 12);

      if (parsed.internal_port != sesame_read_u16 (req + 4))
        return mismatch (error, "internal port");

      if (parsed.result_code == SESAME_NATPMP_RESULT_SUCCESS && requested_lifetime != 0 &&
          (parsed.external_port == 0 || parsed.lifetime == 0))
        return malformed (error, "a successful mapping reply has external port %u and lifetime %u",
                          parsed.external_port, parsed.lifetime);
    }

  if (response != NULL)
    *response = parsed;

  return TRUE;
}

/**
 * sesame_pcp_build_announce_request:
 * @client_address: the address the router sees this computer as
 *
 * Returns: (transfer full): a 24-byte PCP ANNOUNCE request
 */
GBytes *
sesame_pcp_build_announce_request (GInetAddress *client_address)
{
  guint8 request[SESAME_PCP_HEADER_SIZE] = { 0 };

  g_return_val_if_fail (G_IS_INET_ADDRESS (client_address), NULL);

  request[0] = SESAME_PCP_VERSION;
  request[1] = SESAME_PCP_OP_ANNOUNCE;
  /* bytes 2-3 reserved, 4-7 lifetime 0 */
  write_pcp_address (request + 8, client_address);

  return g_bytes_new (request, sizeof request);
}

/**
 * sesame_pcp_build_map_request:
 * @client_address: the address the router sees this computer as
 * @nonce: (array fixed-size=12): random; the same for every renewal and the deletion of a mapping
 * @transport: TCP or UDP
 * @internal_port: the port on this computer, not zero
 * @suggested_external_port: the port asked for on the router, or 0 for any
 * @suggested_external_address: (nullable): the address asked for, or %NULL for
 *   the all-zero address of the client's family (::ffff:0.0.0.0 for IPv4)
 * @lifetime: seconds; 0 deletes the mapping
 *
 * Returns: (transfer full): a 60-byte PCP MAP request, without options
 */
GBytes *
sesame_pcp_build_map_request (GInetAddress       *client_address,
                              const guint8       *nonce,
                              SesamePmpTransport  transport,
                              guint16             internal_port,
                              guint16             suggested_external_port,
                              GInetAddress       *suggested_external_address,
                              guint32             lifetime)
{
  guint8 request[PCP_MAP_REQUEST_SIZE] = { 0 };
  guint8 *payload = request + SESAME_PCP_HEADER_SIZE;

  g_return_val_if_fail (G_IS_INET_ADDRESS (client_address), NULL);
  g_return_val_if_fail (nonce != NULL, NULL);
  g_return_val_if_fail (transport == SESAME_PMP_TRANSPORT_TCP ||
                        transport == SESAME_PMP_TRANSPORT_UDP, NULL);
  g_return_val_if_fail (internal_port != 0, NULL);
  g_return_val_if_fail (suggested_external_address == NULL ||
                        G_IS_INET_ADDRESS (suggested_external_address), NULL);

  request[0] = SESAME_PCP_VERSION;
  request[1] = SESAME_PCP_OP_MAP;
  sesame_write_u32 (request + 4, lifetime);
  write_pcp_address (request + 8, client_address);

  memcpy (payload, nonce, SESAME_PCP_NONCE_SIZE);
  payload[12] = (guint8) transport;
  /* bytes 13-15 reserved */
  sesame_write_u16 (payload + 16, internal_port);
  sesame_write_u16 (payload + 18, suggested_external_port);

  if (suggested_external_address != NULL)
    write_pcp_address (payload + 20, suggested_external_address);
  else if (g_inet_address_get_family (client_address) == G_SOCKET_FAMILY_IPV4)
    memcpy (payload + 20, ipv4_mapped_prefix, sizeof ipv4_mapped_prefix);

  return g_bytes_new (request, sizeof request);
}

/**
 * sesame_pcp_parse_response:
 * @request: the request this datagram should answer, as built above
 * @data: (array length=length) (nullable): the datagram
 * @length: its size
 * @response: (out caller-allocates) (optional): the reply, filled only on success
 * @error: %SESAME_PMP_ERROR_MALFORMED, %SESAME_PMP_ERROR_MISMATCH or
 *   %SESAME_PMP_ERROR_UNSUPPORTED_VERSION
 *
 * Checks the size (at least 24 bytes, a multiple of 4, at most 1100), the R
 * bit, the version, the opcode, for MAP the 36-byte payload with the nonce,
 * protocol and internal port of @request, and walks the options without
 * reading past the end. A successful MAP reply to an IPv4 request must assign
 * a non-zero port and an IPv4-mapped address.
 *
 * A router that does not speak PCP version 2 gives
 * %SESAME_PMP_ERROR_UNSUPPORTED_VERSION: a PCP reply with result
 * UNSUPP_VERSION (whatever its version), or a NAT-PMP reply (version 0, with
 * the response bit) as an RFC 6886 router sends to any version it does not
 * know. The client then falls back to NAT-PMP.
 *
 * Any other result code is not an error here: the caller decides with
 * sesame_pcp_check_result().
 *
 * Returns: %TRUE if @data is a well-formed reply to @request
 */
gboolean
sesame_pcp_parse_response (GBytes             *request,
                           const guint8       *data,
                           gsize               length,
                           SesamePcpResponse  *response,
                           GError            **error)
{
  SesamePcpResponse parsed = { 0 };
  const guint8 *req;
  gsize req_length;
  gsize offset;

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  req = g_bytes_get_data (request, &req_length);
  g_return_val_if_fail (req_length >= SESAME_PCP_HEADER_SIZE && req[0] == SESAME_PCP_VERSION, FALSE);
  g_return_val_if_fail ((req[1] == SESAME_PCP_OP_ANNOUNCE) ||
                        (req[1] == SESAME_PCP_OP_MAP && req_length >= PCP_MAP_REQUEST_SIZE), FALSE);

  /* An RFC 6886 router answers a version it does not know in NAT-PMP */
  if (length >= 1 && data[0] == SESAME_NATPMP_VERSION)
    {
      if (length >= 4 && length <= SESAME_PCP_MAX_SIZE && (data[1] & NATPMP_RESPONSE_BIT) != 0)
        {
          g_set_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_UNSUPPORTED_VERSION,
                       "the router answered in NAT-PMP (result %u): it does not speak PCP",
                       sesame_read_u16 (data + 2));
          return FALSE;
        }
      return malformed (error, "a NAT-PMP datagram that is not a reply (%" G_GSIZE_FORMAT " bytes)", length);
    }

  if (length < SESAME_PCP_HEADER_SIZE)
    return malformed (error, "the reply is too short (%" G_GSIZE_FORMAT " bytes)", length);
  if (length > SESAME_PCP_MAX_SIZE)
    return malformed (error, "the reply is too long (%" G_GSIZE_FORMAT " bytes)", length);
  if (length % 4 != 0)
    return malformed (error, "the reply size (%" G_GSIZE_FORMAT " bytes) is not a multiple of 4", length);
  if ((data[1] & PCP_R_BIT) == 0)
    return malformed (error, "the datagram is a request, not a reply");

  parsed.version = data[0];
  parsed.opcode = data[1] & ~PCP_R_BIT;
  parsed.result_code = data[3];
  parsed.lifetime = sesame_read_u32 (data + 4);
  parsed.epoch = sesame_read_u32 (data + 8);

  if (parsed.result_code == SESAME_PCP_RESULT_UNSUPP_VERSION)
    {
      g_set_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_UNSUPPORTED_VERSION,
                   "the router does not speak PCP version %u (it offers version %u)",
                   SESAME_PCP_VERSION, parsed.version);
      return FALSE;
    }

  if (parsed.version != SESAME_PCP_VERSION)
    return malformed (error, "the reply has version %u", parsed.version);

  if (parsed.opcode != req[1])
    return mismatch (error, "opcode");

  offset = SESAME_PCP_HEADER_SIZE;

  if (parsed.opcode == SESAME_PCP_OP_MAP)
    {
      const guint8 *payload = data + offset;
      const guint8 *req_payload = req + SESAME_PCP_HEADER_SIZE;

      if (length - offset < SESAME_PCP_MAP_PAYLOAD_SIZE)
        return malformed (error, "the MAP reply has no room for its payload (%" G_GSIZE_FORMAT " bytes)", length);

      memcpy (parsed.nonce, payload, SESAME_PCP_NONCE_SIZE);
      parsed.protocol = payload[12];
      parsed.internal_port = sesame_read_u16 (payload + 16);
      parsed.external_port = sesame_read_u16 (payload + 18);
      memcpy (parsed.external_address, payload + 20, 16);
      offset += SESAME_PCP_MAP_PAYLOAD_SIZE;

      if (memcmp (parsed.nonce, req_payload, SESAME_PCP_NONCE_SIZE) != 0)
        return mismatch (error, "nonce");
      if (parsed.protocol != req_payload[12])
        return mismatch (error, "protocol");
      if (parsed.internal_port != sesame_read_u16 (req_payload + 16))
        return mismatch (error, "internal port");

      if (parsed.result_code == SESAME_PCP_RESULT_SUCCESS && sesame_read_u32 (req + 4) != 0)
        {
          if (parsed.external_port == 0)
            return malformed (error, "the successful MAP reply assigns port 0");
          if (sesame_pcp_address_is_ipv4 (req + 8) && !sesame_pcp_address_is_ipv4 (parsed.external_address))
            return malformed (error, "the successful MAP reply assigns an address that is not IPv4");
        }
    }

  /* Options: code, reserved, 16-bit length, data padded to 4 bytes (RFC 6887, 7.3) */
  while (offset < length)
    {
      gsize option_length;

      if (length - offset < PCP_OPTION_HEADER)
        return malformed (error, "an option header is cut off at byte %" G_GSIZE_FORMAT, offset);

      option_length = sesame_read_u16 (data + offset + 2);
      option_length = (option_length + 3) & ~(gsize) 3;
      offset += PCP_OPTION_HEADER;

      if (option_length > length - offset)
        return malformed (error, "option %u runs past the end of the reply", data[offset - PCP_OPTION_HEADER]);

      offset += option_length;
    }

  if (response != NULL)
    *response = parsed;

  return TRUE;
}

static const ResultInfo *
lookup_result (const ResultInfo *table,
               gsize             n_entries,
               guint             code)
{
  for (gsize i = 0; i < n_entries; i++)
    {
      if (table[i].code == code)
        return &table[i];
    }

  return NULL;
}

static const char *
result_to_string (const ResultInfo *table,
                  gsize             n_entries,
                  guint             code)
{
  const ResultInfo *info;

  if (code == 0)
    return _("success");

  info = lookup_result (table, n_entries, code);
  if (info == NULL)
    return _("the router refused with a result code Sesame does not know");

  return _(info->reason);
}

static gboolean
check_result (const ResultInfo  *table,
              gsize              n_entries,
              guint              code,
              GError           **error)
{
  const ResultInfo *info;

  if (code == 0)
    return TRUE;

  info = lookup_result (table, n_entries, code);
  if (info == NULL)
    g_set_error (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_UNKNOWN_RESULT,
                 _("the router refused with result code %u, which Sesame does not know"), code);
  else
    g_set_error_literal (error, SESAME_PMP_ERROR, info->error, _(info->reason));

  return FALSE;
}

/**
 * sesame_natpmp_result_to_string:
 *
 * Returns: a short reason, in the user's language
 */
const char *
sesame_natpmp_result_to_string (guint result_code)
{
  return result_to_string (natpmp_results, G_N_ELEMENTS (natpmp_results), result_code);
}

/**
 * sesame_natpmp_check_result:
 *
 * Returns: %TRUE for success; otherwise sets @error in %SESAME_PMP_ERROR with the reason
 */
gboolean
sesame_natpmp_check_result (guint    result_code,
                            GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return check_result (natpmp_results, G_N_ELEMENTS (natpmp_results), result_code, error);
}

/**
 * sesame_pcp_result_to_string:
 *
 * Returns: a short reason, in the user's language
 */
const char *
sesame_pcp_result_to_string (guint result_code)
{
  return result_to_string (pcp_results, G_N_ELEMENTS (pcp_results), result_code);
}

/**
 * sesame_pcp_check_result:
 *
 * Returns: %TRUE for success; otherwise sets @error in %SESAME_PMP_ERROR with the reason
 */
gboolean
sesame_pcp_check_result (guint    result_code,
                         GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return check_result (pcp_results, G_N_ELEMENTS (pcp_results), result_code, error);
}

/**
 * sesame_pcp_address_is_ipv4:
 * @address: (array fixed-size=16): an address as PCP carries it
 *
 * Returns: whether @address is IPv4-mapped (::ffff:a.b.c.d)
 */
gboolean
sesame_pcp_address_is_ipv4 (const guint8 *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  return memcmp (address, ipv4_mapped_prefix, sizeof ipv4_mapped_prefix) == 0;
}

/**
 * sesame_pcp_address_to_string:
 * @address: (array fixed-size=16): an address as PCP carries it
 *
 * Returns: (transfer full): dotted-quad text for an IPv4-mapped address,
 *   IPv6 text otherwise
 */
char *
sesame_pcp_address_to_string (const guint8 *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  if (sesame_pcp_address_is_ipv4 (address))
    return g_strdup_printf ("%u.%u.%u.%u", address[12], address[13], address[14], address[15]);

  inet = g_inet_address_new_from_bytes (address, G_SOCKET_FAMILY_IPV6);
  return g_inet_address_to_string (inet);
}
