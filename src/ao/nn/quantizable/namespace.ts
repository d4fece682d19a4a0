// torch.ao.nn.quantizable (also torch.nn.quantizable): the float modules built to be observed piece by piece.
export { QuantizableLSTM as LSTM, QuantizableLSTMCell as LSTMCell, type QuantizableLSTMOptions } from "./rnn.js";
export { QuantizableMultiheadAttention as MultiheadAttention } from "./activation.js";
