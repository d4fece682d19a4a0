// torch.ao.nn.quantized.dynamic.
export { DynamicLinear as Linear } from "../linear.js";
export { DynamicLSTM as LSTM, DynamicGRU as GRU, DynamicRNNCell as RNNCell, DynamicLSTMCell as LSTMCell, DynamicGRUCell as GRUCell } from "../dynamic-rnn.js";
