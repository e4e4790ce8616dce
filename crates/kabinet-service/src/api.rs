//! The service is the in-process implementation of [`Api`]: each method delegates to the use
//! case of the same name, made from the one operation list so none can be missing.

use kabinet_api::*;

use crate::Service;

macro_rules! delegate {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident, $idempotent:literal;)*) => {
        impl Api for Service {
            $(
                async fn $name(&self, context: &Context, request: $request) -> Result<$response, ApiError> {
                    Service::$name(self, context, request).await
                }
            )*
        }
    };
}

with_operations!(delegate);
