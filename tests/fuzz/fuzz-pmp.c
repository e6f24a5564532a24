/* fuzz-pmp.c: NAT-PMP and PCP replies from a hostile router
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sesame-pmp-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const guint8 nonce[SESAME_PCP_NONCE_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static GBytes *natpmp_requests[4];
static GBytes *pcp_requests[4];

static void
build_requests (void)
{
  g_autoptr(GInetAddress) client = g_inet_address_new_from_string ("192.168.11.5");
  g_autoptr(GInetAddress) client6 = g_inet_address_new_from_string ("2001:db8::5");

  natpmp_requests[0] = sesame_natpmp_build_address_request ();
  natpmp_requests[1] = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_UDP, 40000, 40000, 3600);
  natpmp_requests[2] = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_TCP, 8080, 0, 60);
  natpmp_requests[3] = sesame_natpmp_build_map_request (SESAME_PMP_TRANSPORT_TCP, 8080, 0, 0);

  pcp_requests[0] = sesame_pcp_build_announce_request (client);
  pcp_requests[1] = sesame_pcp_build_map_request (client, nonce, SESAME_PMP_TRANSPORT_UDP, 40000, 40000, NULL, 3600);
  pcp_requests[2] = sesame_pcp_build_map_request (client, nonce, SESAME_PMP_TRANSPORT_TCP, 8080, 0, NULL, 0);
  pcp_requests[3] = sesame_pcp_build_map_request (client6, nonce, SESAME_PMP_TRANSPORT_TCP, 8080, 0, NULL, 60);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;

  if (!initialized)
    {
      build_requests ();
      initialized = TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (natpmp_requests); i++)
    {
      const guint8 *request = g_bytes_get_data (natpmp_requests[i], NULL);
      g_autoptr(GError) error = NULL;
      SesameNatpmpResponse response;

      if (sesame_natpmp_parse_response (natpmp_requests[i], data, size, &response, &error))
        {
          if (error != NULL || response.opcode != request[1] || data[0] != SESAME_NATPMP_VERSION)
            abort ();
          (void) sesame_natpmp_result_to_string (response.result_code);
          if (!sesame_natpmp_check_result (response.result_code, &error) &&
              (error == NULL || error->domain != SESAME_PMP_ERROR))
            abort ();
        }
      else if (error == NULL || error->domain != SESAME_PMP_ERROR)
        abort ();
    }

  for (guint i = 0; i < G_N_ELEMENTS (pcp_requests); i++)
    {
      const guint8 *request = g_bytes_get_data (pcp_requests[i], NULL);
      g_autoptr(GError) error = NULL;
      SesamePcpResponse response;

      if (sesame_pcp_parse_response (pcp_requests[i], data, size, &response, &error))
        {
          g_autofree char *address = NULL;

          if (error != NULL || response.version != SESAME_PCP_VERSION || response.opcode != request[1] ||
              size < SESAME_PCP_HEADER_SIZE || size > SESAME_PCP_MAX_SIZE || size % 4 != 0)
            abort ();
          if (response.opcode == SESAME_PCP_OP_MAP && memcmp (response.nonce, nonce, sizeof nonce) != 0)
            abort ();

          address = sesame_pcp_address_to_string (response.external_address);
          if (address == NULL)
            abort ();
          (void) sesame_pcp_result_to_string (response.result_code);
          if (!sesame_pcp_check_result (response.result_code, &error) &&
              (error == NULL || error->domain != SESAME_PMP_ERROR))
            abort ();
        }
      else if (error == NULL || error->domain != SESAME_PMP_ERROR)
        abort ();
    }

  return 0;
}
