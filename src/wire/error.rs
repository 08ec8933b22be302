//! AWS's Query-protocol error envelope.

use super::xml::XmlWriter;

/// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
pub fn error_envelope(namespace: &str, sender_fault: bool, code: &str, message: &str, request_id: &str) -> String {
    let mut w = XmlWriter::new();
    w.start_with_xmlns("ErrorResponse", namespace);
    w.start("Error");
    w.text_element("Type", if sender_fault { "Sender" } else { "Receiver" });
    w.text_element("Code", code);
    w.text_element("Message", message);
    w.end("Error");
    w.text_element("RequestId", request_id);
    w.end("ErrorResponse");
    w.finish()
}
